/**
 * Configuration of escalations, validated by one zod schema. The service builds it from the
 * environment with `loadEscalationConfig`, or passes an object to `parseEscalationConfig`.
 * docs/escalation.md lists every option with its unit and default.
 */
import { z } from "zod";
import { ConfigError } from "../errors.ts";

export const DEFAULT_PAGERDUTY_URL = "https://events.pagerduty.com/v2/enqueue";

/** Severities that the PagerDuty Events API v2 accepts in `payload.severity`. */
export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// Messages never include the value, because webhook URLs and routing keys are secrets.
const httpUrl = (name: string) => z.string().trim().refine(isHttpUrl, { error: `${name} must be an http or https URL` });

const milliseconds = (name: string, min: number, max: number, fallback: number) =>
  z
    .number({ error: `${name} must be a number of milliseconds` })
    .int(`${name} must be a whole number of milliseconds`)
    .min(min, `${name} must be between ${min} and ${max} ms`)
    .max(max, `${name} must be between ${min} and ${max} ms`)
    .default(fallback);

const fraction = (name: string, fallback: number) =>
  z
    .number({ error: `${name} must be a number between 0 and 1` })
    .min(0, `${name} must be between 0 and 1`)
    .max(1, `${name} must be between 0 and 1`)
    .default(fallback);

export const escalationConfigSchema = z
  .object({
    /** Slack incoming-webhook URL; a secret. Unset: no Slack messages. */
    slackWebhookUrl: httpUrl("slackWebhookUrl").optional(),
    /** Routing key of a PagerDuty Events API v2 integration; a secret. Unset: no PagerDuty events. */
    pagerDutyRoutingKey: z.string().trim().min(1, "pagerDutyRoutingKey must not be empty").optional(),
    /** Endpoint PagerDuty events are posted to. */
    pagerDutyUrl: httpUrl("pagerDutyUrl").default(DEFAULT_PAGERDUTY_URL),
    /** Remaining fraction under which a budget opens an episode. */
    escalateBelow: fraction("escalateBelow", 0.1),
    /** An episode resolves once remaining is at or above escalateBelow + resolveHysteresis. */
    resolveHysteresis: fraction("resolveHysteresis", 0),
    /** Base URL of the budgetgate admin pages that messages link to. Unset: no link. */
    adminBaseUrl: httpUrl("adminBaseUrl").optional(),
    /** `payload.source` of PagerDuty events: the system the problem is in. */
    source: z.string().trim().min(1, "source must not be empty").max(255, "source must be at most 255 characters").default("budgetgate"),
    /** `payload.severity` of PagerDuty trigger events. */
    severity: z.enum(PAGERDUTY_SEVERITIES, { error: `severity must be one of ${PAGERDUTY_SEVERITIES.join(", ")}` }).default("critical"),
    /** Time limit of one HTTP request to a receiver. */
    requestTimeoutMs: milliseconds("requestTimeoutMs", 100, 120_000, 10_000),
    /** Attempts at one delivery within one evaluation before it waits for a later evaluation. */
    attemptsPerEvaluation: z
      .number({ error: "attemptsPerEvaluation must be a number" })
      .int("attemptsPerEvaluation must be a whole number")
      .min(1, "attemptsPerEvaluation must be between 1 and 10")
      .max(10, "attemptsPerEvaluation must be between 1 and 10")
      .default(3),
    /** Delay after the first failed attempt; each further failure doubles it up to retryMaxDelayMs. */
    retryBaseDelayMs: milliseconds("retryBaseDelayMs", 0, 600_000, 1_000),
    /** Maximum delay between two attempts. */
    retryMaxDelayMs: milliseconds("retryMaxDelayMs", 0, 86_400_000, 300_000),
    /** Deliveries sent per evaluation at most; the rest wait for the next one. */
    maxDeliveriesPerEvaluation: z
      .number({ error: "maxDeliveriesPerEvaluation must be a number" })
      .int("maxDeliveriesPerEvaluation must be a whole number")
      .min(1, "maxDeliveriesPerEvaluation must be between 1 and 1000")
      .max(1000, "maxDeliveriesPerEvaluation must be between 1 and 1000")
      .default(50),
  })
  .refine((config) => config.retryBaseDelayMs <= config.retryMaxDelayMs, {
    error: "retryBaseDelayMs must not exceed retryMaxDelayMs",
    path: ["retryBaseDelayMs"],
  })
  .refine((config) => config.escalateBelow + config.resolveHysteresis <= 1, {
    error: "escalateBelow + resolveHysteresis must not exceed 1, or an episode could never resolve",
    path: ["resolveHysteresis"],
  });

export type EscalationConfig = z.output<typeof escalationConfigSchema>;
export type EscalationConfigInput = z.input<typeof escalationConfigSchema>;

/** Environment variable of each option that `loadEscalationConfig` reads. */
export const ESCALATION_ENVIRONMENT = {
  slackWebhookUrl: "BUDGETGATE_SLACK_WEBHOOK_URL",
  pagerDutyRoutingKey: "BUDGETGATE_PAGERDUTY_ROUTING_KEY",
  pagerDutyUrl: "BUDGETGATE_PAGERDUTY_URL",
  escalateBelow: "BUDGETGATE_ESCALATE_BELOW",
  resolveHysteresis: "BUDGETGATE_ESCALATE_HYSTERESIS",
  adminBaseUrl: "BUDGETGATE_ADMIN_BASE_URL",
  severity: "BUDGETGATE_PAGERDUTY_SEVERITY",
} as const satisfies Partial<Record<keyof EscalationConfig, string>>;

const NUMERIC_OPTIONS = new Set<string>(["escalateBelow", "resolveHysteresis"]);

/** Validates a configuration object; throws ConfigError naming each invalid option. */
export function parseEscalationConfig(input: unknown, names: Readonly<Record<string, string>> = {}): EscalationConfig {
  const parsed = escalationConfigSchema.safeParse(input);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const option = String(issue.path[0] ?? "");
    const name = names[option];
    return name === undefined ? issue.message : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid escalation configuration: ${problems.join("; ")}`);
}

/**
 * Reads the options listed in ESCALATION_ENVIRONMENT from environment variables; the others keep
 * their defaults unless `overrides` sets them. An empty variable counts as unset.
 */
export function loadEscalationConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<EscalationConfigInput> = {},
): EscalationConfig {
  const input: Record<string, unknown> = {};
  for (const [option, name] of Object.entries(ESCALATION_ENVIRONMENT)) {
    const value = env[name];
    if (value === undefined || value === "") {
      continue;
    }
    input[option] = NUMERIC_OPTIONS.has(option) && value.trim() !== "" ? Number(value) : value;
  }
  return parseEscalationConfig({ ...input, ...overrides }, ESCALATION_ENVIRONMENT);
}
