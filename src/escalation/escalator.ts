/**
 * Escalation episodes of budgets under the escalation level, with their notifications.
 *
 * `evaluate` runs after each budget computation. A budget whose remaining fraction is below
 * `escalateBelow` opens an episode, unless it already has an open one, and queues one trigger per
 * configured channel. An open episode resolves once remaining is at or above `escalateBelow +
 * resolveHysteresis`, and queues a resolve on every channel that has its trigger. Episodes and
 * deliveries live in Postgres, so a restart neither loses a pending message nor sends a trigger
 * twice. docs/escalation.md describes the rules.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "../db/database.ts";
import { DatabaseError, InputError, describeError } from "../errors.ts";
import { logger as rootLogger, type Logger } from "../log.ts";
import { parseEscalationConfig, type EscalationConfig, type EscalationConfigInput } from "./config.ts";
import { configuredSecrets, deliverDue, type DeliveryContext, type DeliveryResult } from "./deliver.ts";
import { redactSecrets, retryDelayMs, type FetchFunction } from "./http.ts";
import { insertEpisode, readOpenEpisodes, resolveEpisode, type Channel, type Episode } from "./store.ts";

/** One computed budget, as the budget engine produces it; other fields are ignored. */
export interface BudgetState {
  vertical: string;
  tenantId: string | null;
  /** Budget name, e.g. `quality`. */
  name: string;
  remaining: number | null;
  status: "ok" | "no_data";
  target?: number | null;
}

const budgetStateSchema = z.object({
  vertical: z.string().min(1),
  tenantId: z.string().nullable(),
  name: z.string().min(1),
  remaining: z.number().nullable(),
  status: z.enum(["ok", "no_data"]),
  target: z.number().nullish(),
});

export interface EpisodeChange {
  episodeId: number;
  vertical: string;
  tenantId: string | null;
  budget: string;
  dedupKey: string;
  remaining: number;
}

export interface EscalationReport {
  evaluatedAtMs: number;
  opened: EpisodeChange[];
  resolved: EpisodeChange[];
  /** Budgets whose episode could not be opened or resolved; the next evaluation tries again. */
  failures: Array<{ vertical: string; tenantId: string | null; budget: string; error: string }>;
  deliveries: DeliveryResult[];
}

export interface EscalatorOptions {
  /** HTTP client; default the global fetch. */
  fetch?: FetchFunction;
  /** Current time in ms since the epoch; default Date.now. */
  clock?: () => number;
  /** Waits between attempts; default a timer. */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** Creates the dedup_key of a new episode; default `budgetgate-` and a random UUID. */
  newDedupKey?: () => string;
}

/** Tolerance of the resolve comparison, so that 0.1 + 0.05 still resolves at exactly 0.15. */
const EPSILON = 1e-12;

/** Room left in a lease after the longest run of one delivery's attempts, for the database writes. */
const LEASE_MARGIN_MS = 60_000;

const episodeKey = (vertical: string, tenantId: string | null, budget: string) => JSON.stringify([vertical, tenantId, budget]);

export class Escalator {
  readonly config: EscalationConfig;
  /** Channels with a webhook URL or routing key, in the order deliveries are queued. */
  readonly channels: readonly Channel[];
  readonly #db: Database;
  readonly #clock: () => number;
  readonly #logger: Logger;
  readonly #newDedupKey: () => string;
  readonly #delivery: DeliveryContext;

  /** Validates `config` (throws ConfigError) and prepares the channels; touches neither network nor database. */
  constructor(db: Database, config: EscalationConfigInput, options: EscalatorOptions = {}) {
    this.config = parseEscalationConfig(config);
    this.channels = [
      ...(this.config.slackWebhookUrl === undefined ? [] : (["slack"] as const)),
      ...(this.config.pagerDutyRoutingKey === undefined ? [] : (["pagerduty"] as const)),
    ];
    this.#db = db;
    this.#clock = options.clock ?? Date.now;
    this.#logger = options.logger ?? rootLogger.child({ component: "escalation" });
    this.#newDedupKey = options.newDedupKey ?? (() => `budgetgate-${randomUUID()}`);

    let leaseMs = this.config.attemptsPerEvaluation * this.config.requestTimeoutMs + LEASE_MARGIN_MS;
    for (let attempt = 1; attempt < this.config.attemptsPerEvaluation; attempt += 1) {
      leaseMs += retryDelayMs(attempt, this.config.retryBaseDelayMs, this.config.retryMaxDelayMs);
    }
    this.#delivery = {
      db,
      config: this.config,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      clock: this.#clock,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      logger: this.#logger,
      leaseMs,
    };
    if (this.channels.length === 0) {
      this.#logger.info("no escalation channel configured; episodes are recorded without notifications");
    }
  }

  /**
   * Opens and resolves episodes for `budgets`, then sends the deliveries that are due. Budgets with
   * status `no_data` or a null remaining fraction neither open nor resolve an episode. Throws
   * InputError on a malformed budget and DatabaseError when the open episodes cannot be read.
   * Delivery failures do not throw: the report and the log carry them.
   */
  async evaluate(budgets: readonly BudgetState[]): Promise<EscalationReport> {
    const states = budgets.map((budget, index) => {
      const parsed = budgetStateSchema.safeParse(budget);
      if (!parsed.success) {
        throw new InputError(`budgets[${index}] is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
      }
      return parsed.data;
    });

    const evaluatedAtMs = this.#clock();
    let open: Map<string, Episode>;
    try {
      open = new Map((await readOpenEpisodes(this.#db)).map((episode) => [episodeKey(episode.vertical, episode.tenantId, episode.budget), episode]));
    } catch (error) {
      throw new DatabaseError(`could not read open escalation episodes: ${describeError(error)}`, { cause: error });
    }

    const report: EscalationReport = { evaluatedAtMs, opened: [], resolved: [], failures: [], deliveries: [] };
    for (const state of states) {
      if (state.status !== "ok" || state.remaining === null || !Number.isFinite(state.remaining)) {
        continue;
      }
      const key = episodeKey(state.vertical, state.tenantId, state.name);
      const episode = open.get(key);
      try {
        if (episode === undefined && state.remaining < this.config.escalateBelow) {
          const created = await this.#open(state as typeof state & { remaining: number }, new Date(evaluatedAtMs));
          if (created !== null) {
            open.set(key, created);
            report.opened.push(changeOf(created, state.remaining));
          }
        } else if (episode !== undefined && state.remaining >= this.config.escalateBelow + this.config.resolveHysteresis - EPSILON) {
          if (await this.#resolve(episode, state.remaining, new Date(evaluatedAtMs))) {
            open.delete(key);
            report.resolved.push(changeOf(episode, state.remaining));
          }
        }
      } catch (error) {
        const reason = redactSecrets(describeError(error), configuredSecrets(this.config));
        this.#logger.error(
          { vertical: state.vertical, tenantId: state.tenantId, budget: state.name, episodeId: episode?.id ?? null, reason },
          "could not update the escalation episode; the next evaluation retries",
        );
        report.failures.push({ vertical: state.vertical, tenantId: state.tenantId, budget: state.name, error: reason });
      }
    }

    report.deliveries = await this.deliverDue();
    return report;
  }

  /** Sends the deliveries that are due without evaluating budgets, e.g. before a shutdown. */
  async deliverDue(): Promise<DeliveryResult[]> {
    try {
      return await deliverDue(this.#delivery);
    } catch (error) {
      const reason = redactSecrets(describeError(error), configuredSecrets(this.config));
      this.#logger.error({ reason }, "could not read due escalation deliveries; the next evaluation retries");
      return [];
    }
  }

  async #open(state: z.output<typeof budgetStateSchema> & { remaining: number }, now: Date): Promise<Episode | null> {
    const created = await this.#db.transaction((tx) =>
      insertEpisode(
        tx,
        {
          vertical: state.vertical,
          tenantId: state.tenantId,
          budget: state.name,
          dedupKey: this.#newDedupKey(),
          threshold: this.config.escalateBelow,
          target: state.target ?? null,
          remaining: state.remaining,
        },
        this.channels,
        now,
      ),
    );
    const fields = { vertical: state.vertical, tenantId: state.tenantId, budget: state.name, remaining: state.remaining, threshold: this.config.escalateBelow };
    if (created === null) {
      this.#logger.info(fields, "escalation episode already opened by another evaluator");
      return null;
    }
    this.#logger.warn({ ...fields, episodeId: created.id, channels: this.channels }, "escalation episode opened");
    return created;
  }

  async #resolve(episode: Episode, remaining: number, now: Date): Promise<boolean> {
    const resolved = await this.#db.transaction((tx) => resolveEpisode(tx, episode.id, remaining, now));
    const fields = { episodeId: episode.id, vertical: episode.vertical, tenantId: episode.tenantId, budget: episode.budget, remaining };
    if (resolved) {
      this.#logger.info(fields, "escalation episode resolved");
    } else {
      this.#logger.info(fields, "escalation episode already resolved by another evaluator");
    }
    return resolved;
  }
}

function changeOf(episode: Episode, remaining: number): EpisodeChange {
  return {
    episodeId: episode.id,
    vertical: episode.vertical,
    tenantId: episode.tenantId,
    budget: episode.budget,
    dedupKey: episode.dedupKey,
    remaining,
  };
}
