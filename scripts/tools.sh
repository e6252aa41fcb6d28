#!/usr/bin/env bash
# Builds the pinned policy tools (opa, conftest, gator) from the Go module proxy
# into tools/bin, which git ignores. A tool is rebuilt only when its pinned
# version changes. Usage: scripts/tools.sh [opa|conftest|gator ...]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin_dir="$root/tools/bin"
mkdir -p "$bin_dir"

# name -> Go package and pinned version
declare -A packages=(
  [opa]="github.com/open-policy-agent/opa@v1.22.4"
  [conftest]="github.com/open-policy-agent/conftest@v0.71.1"
  [gator]="github.com/open-policy-agent/gatekeeper/v3/cmd/gator@v3.23.1"
  [promtool]="github.com/prometheus/prometheus/cmd/promtool@v0.316.0"
)

if ! command -v go >/dev/null 2>&1; then
  echo "tools: the Go toolchain is required to build opa, conftest and gator; install Go 1.22 or newer and run again" >&2
  exit 1
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(opa conftest gator promtool)
fi

for name in "${names[@]}"; do
  package="${packages[$name]:-}"
  if [ -z "$package" ]; then
    echo "tools: unknown tool \"$name\"; known tools are: ${!packages[*]}" >&2
    exit 1
  fi
  stamp="$bin_dir/.$name.version"
  if [ -x "$bin_dir/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$package" ]; then
    continue
  fi
  echo "tools: building $package (takes a few minutes the first time)" >&2
  GOBIN="$bin_dir" GOFLAGS="-buildvcs=false" go install "$package"
  echo "$package" > "$stamp"
done
