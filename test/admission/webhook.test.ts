import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WARNING_LENGTH } from "../../src/admission/verdict.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { httpsRequest, type HttpsResult } from "./support/https.ts";
import { seedQualityCalls, startTlsTestService, type RunningTlsService } from "./support/service.ts";

const PATH = "/admission/validate";

function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/admission/${name}`, import.meta.url), "utf8"));
}

/** Copies the Deployment review fixture and adds budgetgate labels to its object. */
function deploymentReview(labels: Record<string, string>): any {
  const review = fixture("admissionreview-v1-create-deployment.json");
  Object.assign(review.request.object.metadata.labels, labels);
  return review;
}

/** Wraps a copy of the bare UPDATE request fixture in an AdmissionReview and labels its new object. */
function updateReview(labels: Record<string, string>, changeImage: boolean): any {
  const request = fixture("admissionrequest-update-deployment-with-oldobject.json");
  request.object.metadata.labels = { ...request.object.metadata.labels, ...labels };
  if (changeImage) {
    request.object.spec.template.spec.containers[0].image = "nginx:1.27.3";
  }
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request };
}

const PROMPT_HEALTHCARE = { "budgetgate.dev/deploy-type": "prompt", "budgetgate.dev/vertical": "healthcare" };
const PLATFORM_HEALTHCARE = { "budgetgate.dev/deploy-type": "platform", "budgetgate.dev/vertical": "healthcare" };

describe("admission webhook over HTTPS", () => {
  let test: TestDatabase;
  let running: RunningTlsService;

  const review = (body: unknown, contentType?: string): Promise<HttpsResult> =>
    httpsRequest({ port: running.tls.webhookPort, path: PATH, ca: running.certificates.ca, body, ...(contentType ? { contentType } : {}) });

  async function countAdmissionRecords(): Promise<number> {
    await running.service.decisionLog.flush();
    const [row] = await test.db.query<{ count: number }>("select count(*)::int as count from decision_log where source = 'admission'");
    return row!.count;
  }

  beforeAll(async () => {
    test = await createTestPostgres();
    await seedQualityCalls(test.db);
    running = await startTlsTestService(test.db);
  });

  afterAll(async () => {
    await running?.stop();
    await test?.drop();
  });

  it("denies low-budget prompt deploy", async () => {
    const body = deploymentReview(PROMPT_HEALTHCARE);
    const result = await review(body);
    expect(result.status).toBe(200);
    expect(result.body.apiVersion).toBe("admission.k8s.io/v1");
    expect(result.body.kind).toBe("AdmissionReview");
    expect(result.body.response.uid).toBe(body.request.uid);
    expect(result.body.response.allowed).toBe(false);
    expect(result.body.response.status.code).toBe(403);
    expect(result.body.response.status.message).toContain("quality budget of healthcare has 20.0% remaining");
    expect(result.body.response.status.message).toContain("25.0%");
  });

  it("allows healthy platform deploy", async () => {
    const body = deploymentReview(PLATFORM_HEALTHCARE);
    const result = await review(body);
    expect(result.status).toBe(200);
    expect(result.body.response).toEqual({ uid: body.request.uid, allowed: true });
  });

  it("records decisions with source admission", async () => {
    const before = await countAdmissionRecords();
    await review(deploymentReview(PROMPT_HEALTHCARE));
    expect(await countAdmissionRecords()).toBe(before + 1);
  });

  it("does not record dry runs", async () => {
    const body = deploymentReview(PROMPT_HEALTHCARE);
    body.request.dryRun = true;
    const before = await countAdmissionRecords();
    const result = await review(body);
    expect(result.body.response.allowed).toBe(false);
    expect(result.body.response.status.code).toBe(403);
    expect(await countAdmissionRecords()).toBe(before);
  });

  it("returns short warnings for a low budget", async () => {
    const body = deploymentReview({ "budgetgate.dev/deploy-type": "prompt", "budgetgate.dev/vertical": "salon" });
    const result = await review(body);
    expect(result.body.response.allowed).toBe(true);
    expect(result.body.response.warnings).toEqual(["quality budget of salon has 40.0% remaining, below the 50.0% warning level"]);
  });

  it("returns escalation as warning", async () => {
    const body = deploymentReview({ "budgetgate.dev/deploy-type": "prompt", "budgetgate.dev/vertical": "dental" });
    const result = await review(body);
    expect(result.body.response.allowed).toBe(false);
    expect(result.body.response.status.message).toContain("quality budget of dental has 8.0% remaining");
    const warnings: string[] = result.body.response.warnings;
    expect(warnings).toEqual(["quality budget of dental has 8.0% remaining, below 10.0%, so the engineering manager is paged"]);
    for (const warning of warnings) {
      expect(warning.length).toBeLessThanOrEqual(MAX_WARNING_LENGTH);
      expect(warning).not.toMatch(/^warning:/i);
    }
  });

  it("allows break-glass deploy with warning", async () => {
    const body = deploymentReview(PROMPT_HEALTHCARE);
    body.request.object.metadata.annotations = { "budgetgate.dev/break-glass": "incident 42: roll back the broken prompt" };
    const result = await review(body);
    expect(result.body.response.allowed).toBe(true);
    const warnings: string[] = result.body.response.warnings;
    expect(warnings.some((warning) => warning.includes("break-glass"))).toBe(true);
    for (const warning of warnings) {
      expect(warning.length).toBeLessThanOrEqual(MAX_WARNING_LENGTH);
    }
  });

  it("allows DELETE without a record", async () => {
    const body = fixture("admissionreview-v1-create-pod-managedfields-long-annotation.json");
    body.request.operation = "DELETE";
    body.request.oldObject = body.request.object;
    body.request.oldObject.metadata.labels = { ...PROMPT_HEALTHCARE };
    body.request.object = null;
    const before = await countAdmissionRecords();
    const result = await review(body);
    expect(result.body.response).toEqual({ uid: body.request.uid, allowed: true });
    expect(await countAdmissionRecords()).toBe(before);
  });

  it("allows unlabelled object without a record", async () => {
    const body = fixture("admissionreview-v1-create-pod-managedfields-long-annotation.json");
    const before = await countAdmissionRecords();
    const result = await review(body);
    expect(result.body.response).toEqual({ uid: body.request.uid, allowed: true });
    expect(await countAdmissionRecords()).toBe(before);
  });

  it("allows controller-owned pod", async () => {
    const body = fixture("admissionreview-v1-create-pod-managedfields-long-annotation.json");
    body.request.object.metadata.labels = { ...PROMPT_HEALTHCARE };
    body.request.object.metadata.ownerReferences = [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "voice-agent-5d8f", uid: "1f0e6d1c-0000-4000-8000-000000000001", controller: true },
    ];
    const result = await review(body);
    expect(result.body.response).toEqual({ uid: body.request.uid, allowed: true });
  });

  it("decides UPDATE on request.object", async () => {
    const body = updateReview(PROMPT_HEALTHCARE, true);
    body.request.oldObject.metadata.labels = { ...PLATFORM_HEALTHCARE };
    const result = await review(body);
    expect(result.body.response.uid).toBe(body.request.uid);
    expect(result.body.response.allowed).toBe(false);
    expect(result.body.response.status.message).toContain("quality budget of healthcare");
  });

  it("allows scaling-only UPDATE", async () => {
    const body = updateReview(PROMPT_HEALTHCARE, false);
    body.request.object.spec.replicas = 5;
    const result = await review(body);
    expect(result.body.response).toEqual({ uid: body.request.uid, allowed: true });
  });

  it("rejects bare AdmissionRequest with 400", async () => {
    const result = await review(fixture("admissionrequest-update-deployment-with-oldobject.json"));
    expect(result.status).toBe(400);
    expect(result.body.code).toBe("invalid_parameter");
    expect(result.body.message).toContain("bare AdmissionRequest");
    expect(result.body.message).toContain("wrapped in an AdmissionReview");
  });

  it("rejects invalid JSON with 400", async () => {
    const result = await review('{"apiVersion": "admission.k8s.io/v1", ');
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/not valid JSON/);
  });

  it("rejects non-JSON content type with 400", async () => {
    const result = await review("apiVersion: admission.k8s.io/v1", "application/yaml");
    expect(result.status).toBe(400);
    expect(result.body.message).toContain("content-type application/json");
  });

  it.each([
    {
      case: "v1beta1 review",
      mutate: (body: any) => (body.apiVersion = "admission.k8s.io/v1beta1"),
      reason: 'apiVersion must be "admission.k8s.io/v1" (got "admission.k8s.io/v1beta1")',
    },
    { case: "wrong kind", mutate: (body: any) => (body.kind = "AdmissionRequest"), reason: 'kind must be "AdmissionReview"' },
    { case: "missing request", mutate: (body: any) => delete body.request, reason: "AdmissionReview has no request object" },
    { case: "missing uid", mutate: (body: any) => delete body.request.uid, reason: "request.uid is missing" },
    { case: "missing object", mutate: (body: any) => delete body.request.object, reason: "request.object is missing" },
    { case: "unknown operation", mutate: (body: any) => (body.request.operation = "PATCH"), reason: "request.operation must be one of" },
  ])("rejects $case with 400", async ({ mutate, reason }) => {
    const body = deploymentReview(PROMPT_HEALTHCARE);
    mutate(body);
    const result = await review(body);
    expect(result.status).toBe(400);
    expect(result.body.message).toContain(reason);
  });

  it("rejects oversized body with 413", async () => {
    const body = deploymentReview(PROMPT_HEALTHCARE);
    body.request.object.metadata.annotations = { padding: "x".repeat(5 * 1024 * 1024) };
    const result = await review(body);
    expect(result.status).toBe(413);
    expect(result.body.code).toBe("request_too_large");
  });

  it("accepts TLS 1.2 clients", async () => {
    const result = await httpsRequest({
      port: running.tls.webhookPort,
      path: PATH,
      ca: running.certificates.ca,
      body: deploymentReview(PLATFORM_HEALTHCARE),
      maxVersion: "TLSv1.2",
    });
    expect(result.protocol).toBe("TLSv1.2");
    expect(result.body.response.allowed).toBe(true);
  });
});
