import path from "node:path";
import cron from "node-cron";
import { z } from "zod";
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from "../bundle/signing.ts";
import { ConfigError } from "../errors.ts";

const DEPLOY_TYPE_PATTERN = /^[a-z][a-z0-9_-]*$/;

const fraction = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number between 0 and 1` })
    .min(0, `${name} must be between 0 and 1`)
    .max(1, `${name} must be between 0 and 1`);

/**
 * Every environment variable budgetgate reads, with its unit and default.
 * Parsed once at start-up; a bad value stops the process with the variable's name and the accepted range.
 */
const environmentSchema = z
  .object({
    /** Postgres connection string. Unset: an embedded PGlite database in BUDGETGATE_DATA_DIR. */
    DATABASE_URL: z.string().min(1).optional(),
    /** Folder for the embedded database and local state. Default `.budgetgate` in the working directory. */
    BUDGETGATE_DATA_DIR: z.string().min(1).default(".budgetgate"),
    /** Bearer token Prometheus must send to GET /metrics, which names every tenant. Unset: /metrics is open. */
    BUDGETGATE_METRICS_TOKEN: z.string().min(16, "BUDGETGATE_METRICS_TOKEN must be at least 16 characters").optional(),
    /** Address the HTTP service binds to. Default 127.0.0.1. */
    BUDGETGATE_HOST: z.string().min(1).default("127.0.0.1"),
    /** TCP port of the HTTP service. Default 8080. */
    BUDGETGATE_PORT: z.coerce
      .number({ error: "BUDGETGATE_PORT must be a number" })
      .int("BUDGETGATE_PORT must be an integer")
      .min(0, "BUDGETGATE_PORT must be between 0 and 65535")
      .max(65535, "BUDGETGATE_PORT must be between 0 and 65535")
      .default(8080),
    /** Cron expression of the budget computation inside the service. Default every minute. */
    BUDGETGATE_COMPUTE_SCHEDULE: z
      .string()
      .default("* * * * *")
      .refine((value) => cron.validate(value), {
        error: "BUDGETGATE_COMPUTE_SCHEDULE must be a cron expression such as '* * * * *'",
      }),
    /** Age in seconds after which budget data is stale and deploys are denied. Default 900 (15 minutes). */
    BUDGETGATE_STALE_AFTER_SECONDS: z.coerce
      .number({ error: "BUDGETGATE_STALE_AFTER_SECONDS must be a number of seconds" })
      .int("BUDGETGATE_STALE_AFTER_SECONDS must be an integer number of seconds")
      .min(60, "BUDGETGATE_STALE_AFTER_SECONDS must be between 60 and 604800 seconds")
      .max(604800, "BUDGETGATE_STALE_AFTER_SECONDS must be between 60 and 604800 seconds")
      .default(900),
    /** Remaining fraction below which a deploy is denied. Default 0.25. */
    BUDGETGATE_BLOCK_BELOW: fraction("BUDGETGATE_BLOCK_BELOW").default(0.25),
    /** Remaining fraction below which the gate escalates. Default 0.10. */
    BUDGETGATE_ESCALATE_BELOW: fraction("BUDGETGATE_ESCALATE_BELOW").default(0.1),
    /** Remaining fraction below which an allowed deploy gets a warning. Default 0.5. */
    BUDGETGATE_WARN_BELOW: fraction("BUDGETGATE_WARN_BELOW").default(0.5),
    /** Comma-separated deploy types that are allowed through when budget data is missing or stale. Default none. */
    BUDGETGATE_FAIL_OPEN: z
      .string()
      .default("")
      .transform((value) =>
        value
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      )
      .refine((types) => types.every((type) => DEPLOY_TYPE_PATTERN.test(type)), {
        error: "BUDGETGATE_FAIL_OPEN must be a comma-separated list of deploy types such as 'platform,finance'",
      }),
    /** Whether a budget with no eligible calls in its window denies (`deny`, default) or only warns (`allow`). */
    BUDGETGATE_NO_DATA: z.enum(["deny", "allow"], { error: "BUDGETGATE_NO_DATA must be 'deny' or 'allow'" }).default("deny"),
    /** Maximum size of an HTTP request body, in bytes. Default 1 MiB. */
    BUDGETGATE_BODY_LIMIT_BYTES: z.coerce
      .number({ error: "BUDGETGATE_BODY_LIMIT_BYTES must be a number of bytes" })
      .int("BUDGETGATE_BODY_LIMIT_BYTES must be an integer")
      .min(1024, "BUDGETGATE_BODY_LIMIT_BYTES must be between 1024 and 67108864")
      .max(64 * 1024 * 1024, "BUDGETGATE_BODY_LIMIT_BYTES must be between 1024 and 67108864")
      .default(1024 * 1024),
    /** PEM certificate chain of the HTTPS listeners (admission webhook and Gatekeeper provider). Unset: no HTTPS listeners. */
    BUDGETGATE_TLS_CERT_FILE: z.string().min(1).optional(),
    /** PEM private key of BUDGETGATE_TLS_CERT_FILE. Set both or neither. */
    BUDGETGATE_TLS_KEY_FILE: z.string().min(1).optional(),
    /** TCP port of the admission webhook listener (HTTPS, TLS 1.2 or newer). Default 8443. */
    BUDGETGATE_TLS_PORT: z.coerce
      .number({ error: "BUDGETGATE_TLS_PORT must be a number" })
      .int("BUDGETGATE_TLS_PORT must be an integer")
      .min(0, "BUDGETGATE_TLS_PORT must be between 0 and 65535")
      .max(65535, "BUDGETGATE_TLS_PORT must be between 0 and 65535")
      .default(8443),
    /** TCP port of the Gatekeeper external data provider listener (HTTPS, TLS 1.3 only). Default 8444. */
    BUDGETGATE_PROVIDER_TLS_PORT: z.coerce
      .number({ error: "BUDGETGATE_PROVIDER_TLS_PORT must be a number" })
      .int("BUDGETGATE_PROVIDER_TLS_PORT must be an integer")
      .min(0, "BUDGETGATE_PROVIDER_TLS_PORT must be between 0 and 65535")
      .max(65535, "BUDGETGATE_PROVIDER_TLS_PORT must be between 0 and 65535")
      .default(8444),
    /** Seconds between checks of the certificate and key files. A changed pair is loaded without a restart. Default 30. */
    BUDGETGATE_TLS_RELOAD_SECONDS: z.coerce
      .number({ error: "BUDGETGATE_TLS_RELOAD_SECONDS must be a number of seconds" })
      .int("BUDGETGATE_TLS_RELOAD_SECONDS must be an integer number of seconds")
      .min(1, "BUDGETGATE_TLS_RELOAD_SECONDS must be between 1 and 3600 seconds")
      .max(3600, "BUDGETGATE_TLS_RELOAD_SECONDS must be between 1 and 3600 seconds")
      .default(30),
    /**
     * Maximum size of an AdmissionReview body, in bytes. Default 4 MiB, because an UPDATE review
     * carries the new and the old object. etcd's default request limit keeps each object under about 1.5 MiB.
     */
    BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES: z.coerce
      .number({ error: "BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES must be a number of bytes" })
      .int("BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES must be an integer")
      .min(1024, "BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES must be between 1024 and 67108864")
      .max(64 * 1024 * 1024, "BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES must be between 1024 and 67108864")
      .default(4 * 1024 * 1024),
    /** Name under /bundles/ of the OPA bundle this service serves. Default `budgetgate`. */
    BUDGETGATE_BUNDLE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, "BUDGETGATE_BUNDLE_NAME may contain only letters, digits, '.', '_' and '-'")
      .default("budgetgate"),
    /** Bearer token OPA sidecars must send for bundles, status and decision logs. Unset: no authentication. */
    BUDGETGATE_BUNDLE_TOKEN: z.string().min(16, "BUDGETGATE_BUNDLE_TOKEN must be at least 16 characters").optional(),
    /** PKCS#8 PEM private key that signs bundles. Unset: bundles are not signed. */
    BUDGETGATE_BUNDLE_SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** Key id written into bundle signatures; OPA looks the public key up by it. Default `budgetgate`. */
    BUDGETGATE_BUNDLE_SIGNING_KEY_ID: z.string().min(1).default("budgetgate"),
    /** JWS algorithm of bundle signatures. Default RS256. */
    BUDGETGATE_BUNDLE_SIGNING_ALGORITHM: z
      .enum(SIGNING_ALGORITHMS, { error: `BUDGETGATE_BUNDLE_SIGNING_ALGORITHM must be one of ${SIGNING_ALGORITHMS.join(", ")}` })
      .default("RS256"),
    /** Maximum wait of a long-polling bundle request, in seconds. Default 60. */
    BUDGETGATE_LONG_POLL_MAX_SECONDS: z.coerce
      .number({ error: "BUDGETGATE_LONG_POLL_MAX_SECONDS must be a number of seconds" })
      .int("BUDGETGATE_LONG_POLL_MAX_SECONDS must be an integer")
      .min(1, "BUDGETGATE_LONG_POLL_MAX_SECONDS must be between 1 and 3600 seconds")
      .max(3600, "BUDGETGATE_LONG_POLL_MAX_SECONDS must be between 1 and 3600 seconds")
      .default(60),
    /** Maximum size of an OPA status report or decision-log batch after decompression, in bytes. Default 16 MiB. */
    BUDGETGATE_REPORT_LIMIT_BYTES: z.coerce
      .number({ error: "BUDGETGATE_REPORT_LIMIT_BYTES must be a number of bytes" })
      .int("BUDGETGATE_REPORT_LIMIT_BYTES must be an integer")
      .min(1024, "BUDGETGATE_REPORT_LIMIT_BYTES must be between 1024 and 268435456")
      .max(256 * 1024 * 1024, "BUDGETGATE_REPORT_LIMIT_BYTES must be between 1024 and 268435456")
      .default(16 * 1024 * 1024),
    /** YAML file of budget definitions. Default: config/budgets.yaml of the budgetgate installation. */
    BUDGETGATE_BUDGETS_FILE: z.string().min(1).optional(),
    /** Bearer token of the planned-burn write routes. Unset: those routes return 503. Never logged. */
    BUDGETGATE_ADMIN_TOKEN: z.string().min(1).optional(),
    /**
     * Minutes of calls, by created_at, that every rollup refresh aggregates again. Default 5: long
     * enough for an insert that took its id before a later one to commit first.
     */
    BUDGETGATE_LATE_ARRIVAL_MINUTES: z.coerce
      .number({ error: "BUDGETGATE_LATE_ARRIVAL_MINUTES must be a number of minutes" })
      .int("BUDGETGATE_LATE_ARRIVAL_MINUTES must be an integer number of minutes")
      .min(1, "BUDGETGATE_LATE_ARRIVAL_MINUTES must be between 1 and 10080 minutes")
      .max(10080, "BUDGETGATE_LATE_ARRIVAL_MINUTES must be between 1 and 10080 minutes")
      .default(5),
    /** How far in the past a planned burn may start, in hours. Default 24. */
    BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS: z.coerce
      .number({ error: "BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS must be a number of hours" })
      .min(0, "BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS must be between 0 and 720 hours")
      .max(720, "BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS must be between 0 and 720 hours")
      .default(24),
  })
  .refine((env) => env.BUDGETGATE_ESCALATE_BELOW <= env.BUDGETGATE_BLOCK_BELOW, {
    error: "BUDGETGATE_ESCALATE_BELOW must not exceed BUDGETGATE_BLOCK_BELOW",
    path: ["BUDGETGATE_ESCALATE_BELOW"],
  })
  .refine((env) => env.BUDGETGATE_BLOCK_BELOW <= env.BUDGETGATE_WARN_BELOW, {
    error: "BUDGETGATE_BLOCK_BELOW must not exceed BUDGETGATE_WARN_BELOW",
    path: ["BUDGETGATE_BLOCK_BELOW"],
  })
  .refine((env) => env.BUDGETGATE_TLS_CERT_FILE !== undefined || env.BUDGETGATE_TLS_KEY_FILE === undefined, {
    error: "BUDGETGATE_TLS_KEY_FILE is set but BUDGETGATE_TLS_CERT_FILE is not; set both to start the HTTPS listeners, or neither",
    path: ["BUDGETGATE_TLS_CERT_FILE"],
  })
  .refine((env) => env.BUDGETGATE_TLS_KEY_FILE !== undefined || env.BUDGETGATE_TLS_CERT_FILE === undefined, {
    error: "BUDGETGATE_TLS_CERT_FILE is set but BUDGETGATE_TLS_KEY_FILE is not; set both to start the HTTPS listeners, or neither",
    path: ["BUDGETGATE_TLS_KEY_FILE"],
  });

export interface Config {
  databaseUrl: string | undefined;
  metricsToken: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  computeSchedule: string;
  staleAfterSeconds: number;
  thresholds: { block: number; escalate: number; warn: number };
  failOpenDeployTypes: string[];
  noData: "deny" | "allow";
  bodyLimitBytes: number;
  /** HTTPS listeners of the admission webhook and the Gatekeeper provider, or null without a certificate. */
  tls: {
    certFile: string;
    keyFile: string;
    webhookPort: number;
    providerPort: number;
    reloadSeconds: number;
  } | null;
  admissionBodyLimitBytes: number;
  /** Budgets file; undefined selects the shipped config/budgets.yaml. */
  budgetsFile: string | undefined;
  /** Bearer token of the planned-burn write routes. Never log it. */
  adminToken: string | undefined;
  lateArrivalMinutes: number;
  plannedBurnMaxBackdateHours: number;
  bundle: {
    name: string;
    token: string | undefined;
    signingKeyFile: string | undefined;
    signingKeyId: string;
    signingAlgorithm: SigningAlgorithm;
    longPollMaxSeconds: number;
    reportLimitBytes: number;
  };
}

/** Parses the configuration from environment variables; throws ConfigError naming each invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset, as in most shells' `VAR= command` idiom.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join(".");
      const value = name !== "" ? env[name] : undefined;
      return value === undefined ? issue.message : `${issue.message} (got ${JSON.stringify(value)})`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const values = parsed.data;
  return {
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.BUDGETGATE_DATA_DIR),
    host: values.BUDGETGATE_HOST,
    port: values.BUDGETGATE_PORT,
    computeSchedule: values.BUDGETGATE_COMPUTE_SCHEDULE,
    staleAfterSeconds: values.BUDGETGATE_STALE_AFTER_SECONDS,
    thresholds: {
      block: values.BUDGETGATE_BLOCK_BELOW,
      escalate: values.BUDGETGATE_ESCALATE_BELOW,
      warn: values.BUDGETGATE_WARN_BELOW,
    },
    failOpenDeployTypes: values.BUDGETGATE_FAIL_OPEN,
    noData: values.BUDGETGATE_NO_DATA,
    bodyLimitBytes: values.BUDGETGATE_BODY_LIMIT_BYTES,
    metricsToken: values.BUDGETGATE_METRICS_TOKEN,
    tls:
      values.BUDGETGATE_TLS_CERT_FILE === undefined || values.BUDGETGATE_TLS_KEY_FILE === undefined
        ? null
        : {
            certFile: path.resolve(values.BUDGETGATE_TLS_CERT_FILE),
            keyFile: path.resolve(values.BUDGETGATE_TLS_KEY_FILE),
            webhookPort: values.BUDGETGATE_TLS_PORT,
            providerPort: values.BUDGETGATE_PROVIDER_TLS_PORT,
            reloadSeconds: values.BUDGETGATE_TLS_RELOAD_SECONDS,
          },
    admissionBodyLimitBytes: values.BUDGETGATE_ADMISSION_BODY_LIMIT_BYTES,
    budgetsFile: values.BUDGETGATE_BUDGETS_FILE === undefined ? undefined : path.resolve(values.BUDGETGATE_BUDGETS_FILE),
    adminToken: values.BUDGETGATE_ADMIN_TOKEN,
    lateArrivalMinutes: values.BUDGETGATE_LATE_ARRIVAL_MINUTES,
    plannedBurnMaxBackdateHours: values.BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS,
    bundle: {
      name: values.BUDGETGATE_BUNDLE_NAME,
      token: values.BUDGETGATE_BUNDLE_TOKEN,
      signingKeyFile: values.BUDGETGATE_BUNDLE_SIGNING_KEY_FILE,
      signingKeyId: values.BUDGETGATE_BUNDLE_SIGNING_KEY_ID,
      signingAlgorithm: values.BUDGETGATE_BUNDLE_SIGNING_ALGORITHM,
      longPollMaxSeconds: values.BUDGETGATE_LONG_POLL_MAX_SECONDS,
      reportLimitBytes: values.BUDGETGATE_REPORT_LIMIT_BYTES,
    },
  };
}
