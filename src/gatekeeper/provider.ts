import { z } from "zod";
import { describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { PolicyData } from "../policy/data.ts";
import type { BudgetService } from "../service/service.ts";
import { parseProviderKey, type ProviderKey } from "./keys.ts";

/** The external data API version of the ProviderRequests that Gatekeeper sends and of the responses it reads. */
export const PROVIDER_API_VERSION = "externaldata.gatekeeper.sh/v1beta1";

/** Maximum number of keys in one request. The budgetgate ConstraintTemplate sends one key per object. */
export const MAX_KEYS = 1000;

const providerRequestSchema = z.object({
  apiVersion: z.literal(PROVIDER_API_VERSION, {
    error: (issue) => `apiVersion must be "${PROVIDER_API_VERSION}" (got ${JSON.stringify(issue.input) ?? "nothing"})`,
  }),
  kind: z.literal("ProviderRequest", {
    error: (issue) => `kind must be "ProviderRequest" (got ${JSON.stringify(issue.input) ?? "nothing"})`,
  }),
  request: z.object(
    {
      keys: z
        .array(z.string({ error: "request.keys must contain only strings" }), { error: "request.keys must be an array of strings" })
        .max(MAX_KEYS, `request.keys has more than ${MAX_KEYS} keys; split the request`),
    },
    { error: 'ProviderRequest has no request object; send {"request": {"keys": [...]}}' },
  ),
});

/** Decision summary that the provider returns for one decided key. */
export interface DecisionSummary {
  allow: boolean;
  /** Violation messages: why the deploy is denied, or what a break-glass override let through. */
  messages: string[];
  /** Escalation and warning messages. */
  warnings: string[];
  revision: string | null;
  decision_id: string;
}

export interface ProviderItem {
  key: string;
  value: DecisionSummary | null;
  error: string;
}

export interface ProviderResponse {
  apiVersion: typeof PROVIDER_API_VERSION;
  kind: "ProviderResponse";
  response: { idempotent: boolean; items: ProviderItem[]; systemError: string };
}

/** HTTP status and ProviderResponse of one provider call. */
export interface ProviderOutcome {
  status: number;
  body: ProviderResponse;
}

/** Builds a ProviderResponse. `idempotent` is true because a lookup changes nothing but the decision log. */
export function providerResponse(items: ProviderItem[], systemError = ""): ProviderResponse {
  return { apiVersion: PROVIDER_API_VERSION, kind: "ProviderResponse", response: { idempotent: true, items, systemError } };
}

/**
 * Decides on the keys of one ProviderRequest and builds one item per distinct key, in request order. A key that is malformed
 * or names an unknown deploy type or vertical gets an item error and the other keys are still
 * decided. An invalid request, or a call before budgets are loaded, gets a systemError and no items.
 */
export function answerProviderRequest(service: BudgetService, body: unknown): ProviderOutcome {
  const parsed = providerRequestSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const systemError = `invalid ProviderRequest: ${issue?.message ?? "unknown problem"}`;
    logger.warn({ systemError }, "gatekeeper provider: invalid request rejected");
    return { status: 400, body: providerResponse([], systemError) };
  }
  const data = service.data;
  if (data === null) {
    logger.warn({ keys: parsed.data.request.keys.length }, "gatekeeper provider: no budget data is loaded yet");
    return { status: 503, body: providerResponse([], "budgetgate has not loaded budget data yet; retry in a minute") };
  }

  const keys = [...new Set(parsed.data.request.keys)];
  const items: ProviderItem[] = [];
  for (const raw of keys) {
    items.push(decideKey(service, data, raw));
  }
  return { status: 200, body: providerResponse(items) };
}

function decideKey(service: BudgetService, data: PolicyData, raw: string): ProviderItem {
  const parsed = parseProviderKey(raw);
  if (!parsed.ok) {
    return { key: raw, value: null, error: parsed.error };
  }
  const unknown = unknownName(data, parsed.key);
  if (unknown !== null) {
    return { key: raw, value: null, error: unknown };
  }
  try {
    const { decision, decisionId } = service.decide({ deploy: descriptor(parsed.key) }, "gatekeeper");
    const value: DecisionSummary = {
      allow: decision.allow,
      messages: decision.violations.map((violation) => violation.message),
      warnings: [...decision.escalations, ...decision.warnings].map((finding) => finding.message),
      revision: decision.revision,
      decision_id: decisionId,
    };
    return { key: raw, value, error: "" };
  } catch (error) {
    logger.error({ err: error, key: raw, reason: describeError(error) }, "gatekeeper provider: decision failed");
    return { key: raw, value: null, error: `decision failed: ${describeError(error)}` };
  }
}

function descriptor(key: ProviderKey): Record<string, string> {
  const deploy: Record<string, string> = { type: key.type, vertical: key.vertical };
  if (key.service !== null) {
    deploy.service = key.service;
  }
  if (key.breakGlass !== null) {
    deploy.break_glass = key.breakGlass;
  }
  return deploy;
}

// Unknown names are item errors rather than denials, so that Gatekeeper reports a wrong label as a
// lookup problem of that key. The wording follows the policy's own messages.
function unknownName(data: PolicyData, key: ProviderKey): string | null {
  const deployTypes = Object.keys(data.config.deploy_types).sort();
  if (!Object.hasOwn(data.config.deploy_types, key.type)) {
    return `deploy type "${key.type}" is not configured, known deploy types are ${deployTypes.join(", ") || "none"}`;
  }
  const verticals = Object.keys(data.verticals).sort();
  if (!Object.hasOwn(data.verticals, key.vertical)) {
    return `vertical "${key.vertical}" has no budgets in the budget data, known verticals are ${verticals.join(", ") || "none"}`;
  }
  return null;
}
