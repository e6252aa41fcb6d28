import { logger } from "../log.ts";
import type { KubernetesDecision } from "../policy/decision.ts";
import type { BudgetService } from "../service/service.ts";
import { changesWorkload, controllerOf } from "./changes.ts";
import { admissionReview, parseAdmissionReview, type AdmissionRequest, type AdmissionResponse } from "./review.ts";
import { admissionResponse } from "./verdict.ts";

/** HTTP status and JSON body of one webhook call. */
export interface AdmissionOutcome {
  status: number;
  body: unknown;
}

/** Status code of a denial made because no budget data is loaded yet. */
const NOT_READY_STATUS_CODE = 503;

/**
 * Decides on one AdmissionReview and builds the response. Only CREATE and UPDATE of objects with a
 * budgetgate.dev/deploy-type are decided. DELETE, CONNECT, objects created by a controller and
 * updates that leave the spec unchanged are allowed without a decision. A dry run is decided but
 * not recorded.
 */
export function reviewAdmission(service: BudgetService, body: unknown): AdmissionOutcome {
  const parsed = parseAdmissionReview(body);
  if (!parsed.ok) {
    logger.warn({ reason: parsed.reason }, "admission: invalid AdmissionReview rejected");
    return { status: 400, body: { code: "invalid_parameter", message: parsed.reason } };
  }
  const request = parsed.request;
  const response = respond(service, request);
  return { status: 200, body: admissionReview(response) };
}

function respond(service: BudgetService, request: AdmissionRequest): AdmissionResponse {
  const context = { uid: request.uid, operation: request.operation, namespace: request.namespace, name: request.name };
  if (request.operation === "DELETE" || request.operation === "CONNECT") {
    return { uid: request.uid, allowed: true };
  }
  const object = request.object;
  const controller = controllerOf(object);
  if (controller !== null) {
    logger.debug({ ...context, controller }, "admission: object created by a controller; allowed without a decision");
    return { uid: request.uid, allowed: true };
  }
  if (request.operation === "UPDATE" && !changesWorkload(object, request.oldObject)) {
    logger.debug(context, "admission: update leaves the spec unchanged; allowed without a decision");
    return { uid: request.uid, allowed: true };
  }

  if (service.data === null) {
    return respondBeforeBudgets(service, request);
  }

  let decision: KubernetesDecision;
  let decisionId: string | null = null;
  if (request.dryRun === true) {
    decision = service.engine.decideKubernetes(object);
  } else {
    ({ decision, decisionId } = service.decideKubernetes(object, "admission"));
  }
  if (!decision.gated) {
    return { uid: request.uid, allowed: true };
  }

  const response = admissionResponse(request.uid, decision);
  const fields = { ...context, decisionId, dryRun: request.dryRun === true, allowed: response.allowed, deploy: decision.deploy };
  if (response.allowed) {
    logger.debug(fields, "admission: deploy allowed");
  } else {
    logger.info({ ...fields, violations: decision.violations.map((violation) => violation.code) }, "admission: deploy denied");
  }
  return response;
}

// Before the first budgets are loaded the policy would deny every gated object with messages about
// missing configuration, so the webhook states plainly that it is starting. Ungated objects pass.
function respondBeforeBudgets(service: BudgetService, request: AdmissionRequest): AdmissionResponse {
  const decision = service.engine.decideKubernetes(request.object);
  if (!decision.gated) {
    return { uid: request.uid, allowed: true };
  }
  logger.warn({ uid: request.uid, namespace: request.namespace, name: request.name }, "admission: denied because no budget data is loaded yet");
  return {
    uid: request.uid,
    allowed: false,
    status: {
      code: NOT_READY_STATUS_CODE,
      message: "budgetgate has not loaded budget data yet, so it cannot decide on this deploy; retry in a minute",
    },
  };
}
