import type { Finding, KubernetesDecision } from "../policy/decision.ts";
import type { AdmissionResponse } from "./review.ts";

/**
 * Length above which a warning is shortened. The `warnings` field of the admission/v1
 * AdmissionResponse (k8s.io/api) recommends at most 120 characters and warns that the API server
 * may truncate warnings over 256 characters.
 */
export const MAX_WARNING_LENGTH = 120;

/** HTTP status in the `status.code` of a denial. */
export const DENIED_STATUS_CODE = 403;

const BREAK_GLASS_HINT = "To override, annotate the object with budgetgate.dev/break-glass and the reason.";

/**
 * Turns a decision into an AdmissionResponse: a denial carries status 403 and the joined violation
 * messages, which name each budget, its remaining fraction and the threshold. Warnings and
 * escalations become short `warnings`.
 */
export function admissionResponse(uid: string, decision: KubernetesDecision): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allow };
  if (!decision.allow) {
    const messages = decision.violations.map((violation) => violation.message);
    const reason = messages.length > 0 ? `${messages.join("; ")}.` : "the budgetgate policy denied this object without a message.";
    response.status = { code: DENIED_STATUS_CODE, message: `${reason} ${BREAK_GLASS_HINT}` };
  }
  const warnings = [...decision.escalations, ...decision.warnings].map(shortWarning);
  const unique = [...new Set(warnings)];
  if (unique.length > 0) {
    response.warnings = unique;
  }
  return response;
}

/**
 * Builds a warning of at most MAX_WARNING_LENGTH characters for one finding. Budget findings are
 * rebuilt from their numbers, because the policy's full sentences run longer. Any other message is
 * cut at a word boundary.
 */
export function shortWarning(finding: Finding): string {
  const { budget, vertical, remaining, threshold } = finding;
  let text = finding.message;
  if (budget !== null && vertical !== null && remaining !== null && threshold !== null) {
    const subject = `${budget} budget of ${vertical} has ${percent(remaining)} remaining`;
    if (finding.code === "budget_escalation") {
      text = `${subject}, below ${percent(threshold)}, so the engineering manager is paged`;
    } else if (finding.code === "budget_warning") {
      text = `${subject}, below the ${percent(threshold)} warning level`;
    }
  }
  return truncate(text.replace(/^warning:\s*/i, ""));
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function truncate(text: string): string {
  if (text.length <= MAX_WARNING_LENGTH) {
    return text;
  }
  const cut = text.slice(0, MAX_WARNING_LENGTH - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${lastSpace > MAX_WARNING_LENGTH / 2 ? cut.slice(0, lastSpace) : cut}…`;
}
