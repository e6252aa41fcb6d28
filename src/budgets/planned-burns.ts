/**
 * Planned burns: time ranges in which the calls of a vertical, or of one tenant of it, are left
 * out of the named budgets (drills, migrations, load tests). Rows are kept for audit; ending a
 * burn early sets ended_at. Exclusion happens at minute granularity on the rollups.
 */
import { z } from "zod";
import type { Database, Queryable } from "../db/database.ts";
import { InputError } from "../errors.ts";
import { BUDGET_NAME_PATTERN } from "./budget-file.ts";
import { PlannedBurnConflictError, PlannedBurnNotFoundError } from "./errors.ts";

export interface PlannedBurn {
  id: number;
  vertical: string;
  tenantId: string | null;
  budgets: string[];
  startsAt: Date;
  endsAt: Date;
  reason: string;
  author: string;
  createdAt: Date;
  endedAt: Date | null;
}

/** A request to add a planned burn, as the CLI and the HTTP API accept it. */
export const plannedBurnRequestSchema = z.object({
  vertical: z.string({ error: "vertical must be a vertical name" }).trim().min(1, "vertical must not be empty"),
  tenant_id: z.string({ error: "tenant_id must be a tenant id or null" }).trim().min(1, "tenant_id must not be empty").nullish(),
  budgets: z
    .array(z.string().regex(BUDGET_NAME_PATTERN, "budgets must hold budget names such as quality"), {
      error: "budgets must be a list of budget names",
    })
    .min(1, "budgets must name at least one budget"),
  starts_at: z.coerce.date({ error: "starts_at must be an ISO 8601 time such as 2026-06-01T12:00:00Z" }),
  ends_at: z.coerce.date({ error: "ends_at must be an ISO 8601 time such as 2026-06-01T14:00:00Z" }),
  reason: z.string({ error: "reason must be text" }).trim().min(1, "reason must not be empty").max(1000, "reason must be at most 1000 characters"),
  author: z.string({ error: "author must be text" }).trim().min(1, "author must not be empty").max(200, "author must be at most 200 characters"),
});
export type PlannedBurnRequest = z.infer<typeof plannedBurnRequestSchema>;

const rowSchema = z.object({
  id: z.number(),
  vertical: z.string(),
  tenant_id: z.string().nullable(),
  budgets: z.array(z.string()),
  starts_at: z.date(),
  ends_at: z.date(),
  reason: z.string(),
  author: z.string(),
  created_at: z.date(),
  ended_at: z.date().nullable(),
});

const COLUMNS = "id, vertical, tenant_id, budgets, starts_at, ends_at, reason, author, created_at, ended_at";

function fromRow(raw: unknown): PlannedBurn {
  const row = rowSchema.parse(raw);
  return {
    id: row.id,
    vertical: row.vertical,
    tenantId: row.tenant_id,
    budgets: row.budgets,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    author: row.author,
    createdAt: row.created_at,
    endedAt: row.ended_at,
  };
}

/** Returns the end that applies: ended_at when the burn was ended early, else ends_at. */
export function effectiveEnd(burn: PlannedBurn): Date {
  return burn.endedAt !== null && burn.endedAt < burn.endsAt ? burn.endedAt : burn.endsAt;
}

/** State of a burn at `now`: upcoming, active, finished, or ended (stopped early by hand). */
export function burnState(burn: PlannedBurn, now: Date): "upcoming" | "active" | "finished" | "ended" {
  if (burn.endedAt !== null && burn.endedAt < burn.endsAt) {
    return "ended";
  }
  if (now < burn.startsAt) {
    return "upcoming";
  }
  return now < burn.endsAt ? "active" : "finished";
}

function describeBurn(burn: PlannedBurn): string {
  const scope = burn.tenantId === null ? burn.vertical : `${burn.vertical}/${burn.tenantId}`;
  return `planned burn ${burn.id} (${scope}, budgets ${burn.budgets.join(",")}, ${burn.startsAt.toISOString()} to ${effectiveEnd(burn).toISOString()}, by ${burn.author})`;
}

export interface AddOptions {
  /** How far in the past the burn may start, in hours. */
  maxBackdateHours: number;
}

/**
 * Adds a planned burn after checking it against the database clock, the enabled budgets and the
 * other burns. It rejects an end not after the start, a start more than `maxBackdateHours` ago and
 * an unknown budget. It also rejects any overlap in time with a burn of the same vertical that
 * names one of the same budgets and covers the same calls: the same tenant, or either burn
 * covering the whole vertical.
 */
export async function addPlannedBurn(db: Database, request: PlannedBurnRequest, options: AddOptions): Promise<PlannedBurn> {
  const tenantId = request.tenant_id ?? null;
  const budgets = [...new Set(request.budgets)].sort();
  if (request.ends_at <= request.starts_at) {
    throw new InputError(`ends_at ${request.ends_at.toISOString()} must be after starts_at ${request.starts_at.toISOString()}`);
  }
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext(current_schema() || ':budgetgate.planned_burns'))");
    const [clock] = await tx.query<{ now: Date }>("select now() as now");
    const earliest = new Date(clock!.now.getTime() - options.maxBackdateHours * 3_600_000);
    if (request.starts_at < earliest) {
      throw new InputError(
        `starts_at ${request.starts_at.toISOString()} is more than ${options.maxBackdateHours} hours in the past; ` +
          `planned burns may start at ${earliest.toISOString()} at the earliest (BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS)`,
      );
    }
    const known = (await tx.query<{ name: string }>("select name from budget_definitions where enabled order by name")).map((row) => row.name);
    const unknown = budgets.filter((budget) => !known.includes(budget));
    if (unknown.length > 0) {
      throw new InputError(`unknown budget ${unknown.join(", ")}; known budgets are ${known.join(", ")}`);
    }
    const overlapping = await tx.query(
      `select ${COLUMNS} from planned_burns
       where vertical = $1 and (tenant_id is null or $2::text is null or tenant_id = $2::text)
         and budgets && $3::text[]
         and starts_at < $5::timestamptz and least(ends_at, coalesce(ended_at, ends_at)) > $4::timestamptz
       order by id limit 1`,
      [request.vertical, tenantId, budgets, request.starts_at, request.ends_at],
    );
    if (overlapping.length > 0) {
      throw new PlannedBurnConflictError(`the new planned burn overlaps ${describeBurn(fromRow(overlapping[0]))}; end that burn or pick another time`);
    }
    const [row] = await tx.query(
      `insert into planned_burns (vertical, tenant_id, budgets, starts_at, ends_at, reason, author)
       values ($1, $2, $3::text[], $4, $5, $6, $7) returning ${COLUMNS}`,
      [request.vertical, tenantId, budgets, request.starts_at, request.ends_at, request.reason, request.author],
    );
    return fromRow(row);
  });
}

/** Lists burns that are active or upcoming, or with `all` every burn ever added, newest first. */
export async function listPlannedBurns(db: Queryable, options: { all?: boolean } = {}): Promise<PlannedBurn[]> {
  const rows = await db.query(
    options.all
      ? `select ${COLUMNS} from planned_burns order by starts_at desc, id desc`
      : `select ${COLUMNS} from planned_burns
         where least(ends_at, coalesce(ended_at, ends_at)) > now()
         order by starts_at desc, id desc`,
  );
  return rows.map(fromRow);
}

/** Ends an active or upcoming burn now; an upcoming burn that ends this way never applies. */
export async function endPlannedBurn(db: Database, id: number): Promise<PlannedBurn> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query(
      `update planned_burns set ended_at = now()
       where id = $1 and ended_at is null and ends_at > now()
       returning ${COLUMNS}`,
      [id],
    );
    if (row !== undefined) {
      return fromRow(row);
    }
    const [existing] = await tx.query(`select ${COLUMNS} from planned_burns where id = $1`, [id]);
    if (existing === undefined) {
      throw new PlannedBurnNotFoundError(`planned burn ${id} does not exist; budgetgate planned-burn list --all shows every burn`);
    }
    const burn = fromRow(existing);
    throw new PlannedBurnConflictError(
      burn.endedAt !== null
        ? `planned burn ${id} was already ended at ${burn.endedAt.toISOString()}`
        : `planned burn ${id} already finished at ${burn.endsAt.toISOString()}`,
    );
  });
}
