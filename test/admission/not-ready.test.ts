import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reviewAdmission } from "../../src/admission/handler.ts";
import { loadConfig } from "../../src/config/config.ts";
import { answerProviderRequest, PROVIDER_API_VERSION } from "../../src/gatekeeper/provider.ts";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { BudgetService } from "../../src/service/service.ts";
import { createTestPglite, type TestDatabase } from "../helpers/database.ts";

function review(labels: Record<string, string>): unknown {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "b3c1f6a2-0d4e-4c7b-9a51-2e8f7d6c5b41",
      operation: "CREATE",
      object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "voice-agent", namespace: "healthcare", labels } },
    },
  };
}

describe("before budgets are loaded", () => {
  let test: TestDatabase;
  let service: BudgetService;

  beforeAll(async () => {
    test = await createTestPglite();
    service = new BudgetService(test.db, loadConfig({}), await PolicyEngine.load());
  });

  afterAll(async () => {
    await service?.decisionLog.close();
    await test?.drop();
  });

  it("denies gated object with 503", () => {
    const outcome = reviewAdmission(service, review({ "budgetgate.dev/deploy-type": "prompt", "budgetgate.dev/vertical": "healthcare" }));
    const body = outcome.body as any;
    expect(outcome.status).toBe(200);
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.code).toBe(503);
    expect(body.response.status.message).toContain("has not loaded budget data yet");
  });

  it("allows ungated object", () => {
    const outcome = reviewAdmission(service, review({ app: "guestbook" }));
    expect((outcome.body as any).response.allowed).toBe(true);
  });

  it("answers provider with systemError", () => {
    const outcome = answerProviderRequest(service, {
      apiVersion: PROVIDER_API_VERSION,
      kind: "ProviderRequest",
      request: { keys: ["prompt/healthcare"] },
    });
    expect(outcome.status).toBe(503);
    expect(outcome.body.response.items).toEqual([]);
    expect(outcome.body.response.systemError).toContain("has not loaded budget data yet");
  });
});
