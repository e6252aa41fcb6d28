import { pino, type Logger } from "pino";
import type { Database } from "../../src/db/database.ts";
import { Escalator, type BudgetState, type EscalationConfigInput } from "../../src/escalation/index.ts";
import type { WebhookReceiver } from "./receiver.ts";

export const SLACK_PATH = "/services/T0001/B0002/slack-secret-token";
export const PAGERDUTY_PATH = "/v2/enqueue";
export const ROUTING_KEY = "routing-key-secret-0123456789abcdef";
export const ADMIN_BASE_URL = "https://budgetgate.example.test/admin";
export const START_MS = Date.parse("2026-06-01T10:00:00Z");

/** A clock the test moves by hand. */
export class FakeClock {
  nowMs = START_MS;
  readonly now = () => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** Log lines of a pino logger, parsed. */
export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, any>>;
  /** Every line as written, for checks that a string never appears. */
  text(): string;
}

export function captureLog(): CapturedLog {
  const raw: string[] = [];
  const logger = pino({ level: "debug" }, { write: (chunk: string) => void raw.push(chunk) });
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, any>);
    },
    text: () => raw.join(""),
  };
}

/** Configuration that sends both channels to `receiver` and links to ADMIN_BASE_URL. */
export function receiverConfig(receiver: WebhookReceiver, overrides: Partial<EscalationConfigInput> = {}): EscalationConfigInput {
  return {
    slackWebhookUrl: `${receiver.baseUrl}${SLACK_PATH}`,
    pagerDutyRoutingKey: ROUTING_KEY,
    pagerDutyUrl: `${receiver.baseUrl}${PAGERDUTY_PATH}`,
    adminBaseUrl: ADMIN_BASE_URL,
    ...overrides,
  };
}

export interface Harness {
  clock: FakeClock;
  sleeps: number[];
  log: CapturedLog;
  dedupKeys: string[];
  /** A new Escalator over the same database, clock and log, as after a restart. */
  create(config: EscalationConfigInput): Escalator;
}

/** Fake clock, recorded sleeps that return at once, captured logs and numbered dedup keys. */
export function createHarness(db: Database): Harness {
  const clock = new FakeClock();
  const sleeps: number[] = [];
  const log = captureLog();
  const dedupKeys: string[] = [];
  return {
    clock,
    sleeps,
    log,
    dedupKeys,
    create: (config) =>
      new Escalator(db, config, {
        clock: clock.now,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        logger: log.logger,
        newDedupKey: () => {
          const key = `test-episode-${dedupKeys.length + 1}`;
          dedupKeys.push(key);
          return key;
        },
      }),
  };
}

/** Builds a healthcare budget in the shape the budget engine computes. */
export function budget(name: string, remaining: number | null, overrides: Partial<BudgetState> = {}): BudgetState {
  return { vertical: "healthcare", tenantId: null, name, remaining, status: remaining === null ? "no_data" : "ok", target: 0.95, ...overrides };
}

export interface DeliveryRow {
  id: number;
  episode_id: number;
  channel: string;
  action: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
}

export async function readDeliveries(db: Database): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `select id, episode_id, channel, action, status, attempts, next_attempt_at, last_status_code, last_error
     from escalation_deliveries order by id`,
  );
}

export async function readEpisodes(db: Database): Promise<Array<{ id: number; budget: string; tenant_id: string | null; dedup_key: string; resolved_at: Date | null }>> {
  return db.query("select id, budget, tenant_id, dedup_key, resolved_at from escalation_episodes order by id");
}
