import { insertCalls } from "../db/calls.ts";
import type { Database } from "../db/database.ts";
import type { DemoCall, DemoOptions } from "./generate.ts";
import { generateCalls } from "./generate.ts";

const ROWS_PER_INSERT = 5000;

/**
 * Generates the demo calls and inserts them in statements of a few thousand rows, reporting the
 * number of rows inserted so far after each statement. Returns the number of rows inserted.
 */
export async function loadDemoCalls(
  db: Database,
  options: DemoOptions,
  onProgress: (inserted: number) => void = () => undefined,
): Promise<number> {
  let pending: DemoCall[] = [];
  let inserted = 0;
  for (const batch of generateCalls(options)) {
    pending.push(...batch);
    while (pending.length >= ROWS_PER_INSERT) {
      const chunk = pending.slice(0, ROWS_PER_INSERT);
      pending = pending.slice(ROWS_PER_INSERT);
      await insertCalls(db, chunk);
      inserted += chunk.length;
      onProgress(inserted);
    }
  }
  if (pending.length > 0) {
    await insertCalls(db, pending);
    inserted += pending.length;
    onProgress(inserted);
  }
  return inserted;
}
