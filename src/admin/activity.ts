/** Planned burns and gate decisions as the admin page lists them. */
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";

export const DECISION_LIMIT = 20;
const BURN_LIMIT = 50;

export interface PlannedBurnRow {
  id: number;
  vertical: string;
  tenantId: string | null;
  budgets: string[];
  startsAt: Date;
  /** ended_at when the burn was ended early, else ends_at. */
  endsAt: Date;
  endedEarly: boolean;
  reason: string;
  author: string;
}

export interface DecisionRow {
  decisionId: string;
  decidedAt: Date;
  source: string;
  allowed: boolean;
  deployType: string | null;
  vertical: string | null;
  /** Messages of the violations, escalations and warnings, in that order. */
  reasons: { kind: "violation" | "escalation" | "warning"; message: string }[];
}

async function query<Row extends object>(db: Queryable, operation: string, sql: string, params: readonly unknown[]): Promise<Row[]> {
  try {
    return await db.query<Row>(sql, params);
  } catch (error) {
    throw new DatabaseError(`could not read ${operation}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Reads planned burns that end after `since`, upcoming ones included, newest start first, at most
 * 50. The admin page passes the start of the last 7 days, the span of its burn charts.
 */
export async function readPlannedBurns(db: Queryable, since: Date): Promise<PlannedBurnRow[]> {
  const rows = await query<{
    id: number;
    vertical: string;
    tenant_id: string | null;
    budgets: string[];
    starts_at: Date;
    ends_at: Date;
    ended_at: Date | null;
    reason: string;
    author: string;
  }>(
    db,
    "planned burns",
    `select id, vertical, tenant_id, budgets, starts_at, ends_at, ended_at, reason, author
     from planned_burns
     where least(ends_at, coalesce(ended_at, ends_at)) > $1::timestamptz
     order by starts_at desc, id desc
     limit ${BURN_LIMIT}`,
    [since],
  );
  return rows.map((row) => {
    const endedEarly = row.ended_at !== null && row.ended_at < row.ends_at;
    return {
      id: Number(row.id),
      vertical: row.vertical,
      tenantId: row.tenant_id,
      budgets: row.budgets,
      startsAt: row.starts_at,
      endsAt: endedEarly ? row.ended_at! : row.ends_at,
      endedEarly,
      reason: row.reason,
      author: row.author,
    };
  });
}

const findingsSchema = z.array(z.looseObject({ message: z.string() })).catch([]);
const resultSchema = z.looseObject({
  deploy: z.looseObject({ type: z.unknown(), vertical: z.unknown() }).nullish().catch(null),
  violations: findingsSchema.optional(),
  escalations: findingsSchema.optional(),
  warnings: findingsSchema.optional(),
});

/** Reads the newest gate decisions with the messages that explain them. */
export async function readLatestDecisions(db: Queryable, limit = DECISION_LIMIT): Promise<DecisionRow[]> {
  const rows = await query<{ decision_id: string; decided_at: Date; source: string; allowed: boolean; result: unknown }>(
    db,
    "the decision log",
    "select decision_id, decided_at, source, allowed, result from decision_log order by decided_at desc, decision_id limit $1",
    [limit],
  );
  return rows.map((row) => {
    const parsed = resultSchema.safeParse(row.result);
    const result = parsed.success ? parsed.data : { deploy: null, violations: [], escalations: [], warnings: [] };
    const text = (value: unknown) => (typeof value === "string" ? value : null);
    return {
      decisionId: row.decision_id,
      decidedAt: row.decided_at,
      source: row.source,
      allowed: row.allowed,
      deployType: text(result.deploy?.type),
      vertical: text(result.deploy?.vertical),
      reasons: [
        ...(result.violations ?? []).map((finding) => ({ kind: "violation" as const, message: finding.message })),
        ...(result.escalations ?? []).map((finding) => ({ kind: "escalation" as const, message: finding.message })),
        ...(result.warnings ?? []).map((finding) => ({ kind: "warning" as const, message: finding.message })),
      ],
    };
  });
}
