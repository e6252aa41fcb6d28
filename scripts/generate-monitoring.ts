/**
 * Writes the Prometheus alert rules and the Grafana dashboard from the budgets file:
 *   deploy/prometheus/budgetgate-rules.yaml
 *   deploy/grafana/budgetgate-dashboard.json
 *
 * Usage: tsx scripts/generate-monitoring.ts [--budgets-file FILE] [--check]
 * The budgets file defaults to BUDGETGATE_BUDGETS_FILE, else config/budgets.yaml. Thresholds come
 * from BUDGETGATE_BLOCK_BELOW, BUDGETGATE_ESCALATE_BELOW and BUDGETGATE_WARN_BELOW, as in the
 * service. --check writes nothing and exits 1 when a committed file differs from the output.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadBudgetsFile } from "../src/budgets/load-budgets.ts";
import { loadConfig } from "../src/config/config.ts";
import { describeError } from "../src/errors.ts";
import { generateMonitoringFiles } from "../src/metrics/monitoring-files.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "budgets-file": { type: "string" }, check: { type: "boolean", default: false } } });
  const config = loadConfig();
  const loaded = await loadBudgetsFile(values["budgets-file"] ?? config.budgetsFile);
  const files = generateMonitoringFiles(loaded, config.thresholds, ROOT);

  let stale = 0;
  for (const file of files) {
    const target = path.join(ROOT, file.path);
    if (values.check) {
      if ((await readOptional(target)) !== file.text) {
        console.error(`generate-monitoring: ${file.path} is out of date; run npm run generate:monitoring`);
        stale += 1;
      }
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
    console.log(`wrote ${file.path}`);
  }
  return stale === 0 ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`generate-monitoring: ${describeError(error)}`);
  process.exitCode = 2;
}
