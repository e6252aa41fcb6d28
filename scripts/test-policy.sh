#!/usr/bin/env bash
# Checks the Rego policy with the pinned opa: formatting, strict compile, unit
# tests with a coverage floor, and that bundles/policy.wasm was built from the
# current sources. Usage: scripts/test-policy.sh (npm run test:policy)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

opa="tools/bin/opa"
# Minimum line coverage in percent that opa test --coverage must report.
min_coverage=90

if [ ! -x "$opa" ]; then
  echo "test-policy: $opa is missing; run npm run tools to build the pinned opa" >&2
  exit 1
fi

echo "test-policy: opa fmt"
if ! "$opa" fmt --list --fail policy; then
  echo "test-policy: the Rego files listed above are not formatted; run $opa fmt -w policy" >&2
  exit 1
fi

# OPA 1.x parses Rego v1 by default, so no --v1-compatible flag is needed.
echo "test-policy: opa check --strict"
"$opa" check --strict policy

echo "test-policy: opa test"
"$opa" test policy

coverage_file="$(mktemp)"
trap 'rm -f "$coverage_file"' EXIT
"$opa" test policy --coverage --format json > "$coverage_file"
coverage="$(node -e '
  const report = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  if (typeof report.coverage !== "number") {
    throw new Error("opa test --coverage printed no coverage figure");
  }
  console.log(report.coverage.toFixed(1));
' "$coverage_file")"
echo "test-policy: line coverage ${coverage}% (minimum ${min_coverage}%)"
if ! node -e 'process.exit(Number(process.argv[1]) >= Number(process.argv[2]) ? 0 : 1)' "$coverage" "$min_coverage"; then
  echo "test-policy: line coverage ${coverage}% is below the minimum of ${min_coverage}%. Add tests for the lines that opa test --coverage lists as not_covered" >&2
  exit 1
fi

echo "test-policy: bundles/policy.wasm freshness"
npx tsx scripts/build-policy.ts --check
