import type { Database } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { alertingToJson, overridesToJson, type BudgetDefinition } from "./definitions.ts";
import { DEFAULT_BUDGETS_FILE, loadBudgetsFile, parseBudgetsText, readBudgetsText } from "./load-budgets.ts";

export interface SyncReport {
  file: string;
  /** Budgets inserted or changed. */
  changed: string[];
  /** Enabled budgets that the file no longer lists, now disabled. */
  disabled: string[];
}

/**
 * Writes definitions into budget_definitions in one transaction: new and changed budgets are
 * upserted and enabled, and enabled budgets missing from `definitions` are disabled, never
 * deleted, so old error_budgets rows keep their definition. Unchanged rows are not touched.
 */
export async function syncBudgetDefinitions(db: Database, definitions: readonly BudgetDefinition[], file: string): Promise<SyncReport> {
  const report: SyncReport = { file, changed: [], disabled: [] };
  try {
    await db.transaction(async (tx) => {
      for (const definition of definitions) {
        const rows = await tx.query<{ name: string }>(
          `insert into budget_definitions
             (name, description, sli, target, allowed_overrun, threshold_ms, window_seconds, baseline_seconds, gates,
              overrides, alerting, enabled, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10::jsonb, $11::jsonb, true, now())
           on conflict (name) do update set
             description = excluded.description, sli = excluded.sli, target = excluded.target,
             allowed_overrun = excluded.allowed_overrun, threshold_ms = excluded.threshold_ms,
             window_seconds = excluded.window_seconds, baseline_seconds = excluded.baseline_seconds,
             gates = excluded.gates, overrides = excluded.overrides, alerting = excluded.alerting,
             enabled = true, updated_at = now()
           where (budget_definitions.description, budget_definitions.sli, budget_definitions.target,
                  budget_definitions.allowed_overrun, budget_definitions.threshold_ms, budget_definitions.window_seconds,
                  budget_definitions.baseline_seconds, budget_definitions.gates, budget_definitions.overrides,
                  budget_definitions.alerting, budget_definitions.enabled)
             is distinct from
                 (excluded.description, excluded.sli, excluded.target, excluded.allowed_overrun, excluded.threshold_ms,
                  excluded.window_seconds, excluded.baseline_seconds, excluded.gates, excluded.overrides,
                  excluded.alerting, true)
           returning name`,
          [
            definition.name,
            definition.description,
            definition.sli,
            definition.target,
            definition.allowedOverrun,
            definition.thresholdMs,
            definition.windowSeconds,
            definition.baselineSeconds,
            definition.gates,
            JSON.stringify(overridesToJson(definition.overrides)),
            JSON.stringify(alertingToJson(definition.alerting)),
          ],
        );
        report.changed.push(...rows.map((row) => row.name));
      }
      const disabled = await tx.query<{ name: string }>(
        `update budget_definitions set enabled = false, updated_at = now()
         where enabled and not (name = any($1::text[]))
         returning name`,
        [definitions.map((definition) => definition.name)],
      );
      report.disabled.push(...disabled.map((row) => row.name).sort());
    });
  } catch (error) {
    throw new DatabaseError(`could not write budget definitions from ${file}: ${describeError(error)}`, { cause: error });
  }
  if (report.changed.length > 0 || report.disabled.length > 0) {
    logger.info({ file, changed: report.changed, disabled: report.disabled }, "budget definitions synced");
  }
  return report;
}

/** Reads the budgets file (default: the shipped config/budgets.yaml) and syncs it into the table. */
export async function syncBudgetsFile(db: Database, file?: string): Promise<SyncReport> {
  const loaded = await loadBudgetsFile(file);
  return syncBudgetDefinitions(db, loaded.definitions, loaded.file);
}

/** Text of the budgets file that this process last synced into each database. */
const lastSynced = new WeakMap<Database, { file: string; text: string }>();

/**
 * Syncs the budgets file unless this process already synced the same text into `db`, which saves
 * parsing and writing at every scheduled computation. Returns null when it skipped the sync.
 * NOTE: a change made to budget_definitions by hand is undone only when the file changes or the
 * process restarts.
 */
export async function syncBudgetsFileIfChanged(db: Database, file: string = DEFAULT_BUDGETS_FILE): Promise<SyncReport | null> {
  const text = await readBudgetsText(file);
  const previous = lastSynced.get(db);
  if (previous !== undefined && previous.file === file && previous.text === text) {
    return null;
  }
  const loaded = parseBudgetsText(text, file);
  const report = await syncBudgetDefinitions(db, loaded.definitions, file);
  lastSynced.set(db, { file, text });
  return report;
}
