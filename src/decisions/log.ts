import type { Queryable } from "../db/database.ts";
import { describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { digestInput, type DecisionRecord } from "./record.ts";

/** Inserts decision records in one statement. */
export async function insertDecisions(db: Queryable, records: readonly DecisionRecord[]): Promise<void> {
  if (records.length === 0) {
    return;
  }
  await db.query(
    `insert into decision_log (decision_id, decided_at, source, revision, input_digest, input, result, allowed)
     select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::bool[])`,
    [
      records.map((r) => r.decisionId),
      records.map((r) => r.decidedAt),
      records.map((r) => r.source),
      records.map((r) => r.revision),
      records.map((r) => digestInput(r.input)),
      records.map((r) => JSON.stringify(r.input ?? null)),
      records.map((r) => JSON.stringify(r.result)),
      records.map((r) => r.result.allow),
    ],
  );
}

const RETRY_DELAY_MS = 5000;

/**
 * Batches decision records and writes them shortly after they are made, so a decision request does
 * not wait for its insert. Records that fail to insert stay queued and are retried on the next flush.
 */
export class DecisionLogWriter {
  readonly #db: Queryable;
  readonly #flushIntervalMs: number;
  readonly #maxQueued: number;
  #queue: DecisionRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #dropped = 0;

  constructor(db: Queryable, options: { flushIntervalMs?: number; maxQueued?: number } = {}) {
    this.#db = db;
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#maxQueued = options.maxQueued ?? 100_000;
  }

  /** Queues a record for the next flush. */
  add(record: DecisionRecord): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped += 1;
      if (this.#dropped === 1 || this.#dropped % 1000 === 0) {
        logger.error({ dropped: this.#dropped, maxQueued: this.#maxQueued }, "decision log queue full; dropping records");
      }
      return;
    }
    this.#queue.push(record);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#flushIntervalMs);
  }

  /** Writes every queued record; resolves when they are committed or have failed and been requeued. */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) {
      await this.#flushing;
    }
    if (this.#queue.length === 0) {
      return;
    }
    const batch = this.#queue;
    this.#queue = [];
    this.#flushing = insertDecisions(this.#db, batch)
      .catch((error: unknown) => {
        logger.error({ err: error, records: batch.length, reason: describeError(error) }, "could not write decision log; will retry");
        this.#queue = batch.concat(this.#queue);
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          void this.flush();
        }, RETRY_DELAY_MS);
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  /** Stops the timer and writes what is queued. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.flush();
  }
}
