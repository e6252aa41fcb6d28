import { z } from "zod";

/** The only AdmissionReview version the webhook accepts and returns. */
export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"] as const;

const kubernetesObjectSchema = z.record(z.string(), z.unknown());

const admissionRequestSchema = z
  .object(
    {
      uid: z
        .string({ error: "request.uid is missing or not a string; the API server sets it on every review" })
        .min(1, "request.uid is empty"),
      operation: z.enum(OPERATIONS, { error: `request.operation must be one of ${OPERATIONS.join(", ")}` }),
      object: kubernetesObjectSchema.nullable().optional(),
      oldObject: kubernetesObjectSchema.nullable().optional(),
      dryRun: z.boolean({ error: "request.dryRun must be a boolean" }).optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
    },
    { error: "AdmissionReview has no request object" },
  )
  .refine((request) => !(request.operation === "CREATE" || request.operation === "UPDATE") || isObject(request.object), {
    error: "request.object is missing; CREATE and UPDATE reviews must carry the object under review",
    path: ["object"],
  });

const admissionReviewSchema = z.object({
  apiVersion: z.literal(ADMISSION_API_VERSION, {
    error: (issue) =>
      `apiVersion must be "${ADMISSION_API_VERSION}" (got ${JSON.stringify(issue.input) ?? "nothing"}); set admissionReviewVersions: ["v1"] in the webhook configuration`,
  }),
  kind: z.literal("AdmissionReview", {
    error: (issue) => `kind must be "AdmissionReview" (got ${JSON.stringify(issue.input) ?? "nothing"})`,
  }),
  request: admissionRequestSchema,
});

/** The fields of an AdmissionRequest that the webhook reads. */
export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; reason: string };

/**
 * Validates a request body as an `admission.k8s.io/v1` AdmissionReview. The reason of a rejection
 * names the first invalid field and what it must be.
 */
export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isObject(body)) {
    return { ok: false, reason: `request body must be a JSON object: an ${ADMISSION_API_VERSION} AdmissionReview` };
  }
  if (looksLikeBareRequest(body)) {
    return {
      ok: false,
      reason:
        `request body is a bare AdmissionRequest; it must be wrapped in an AdmissionReview: ` +
        `{"apiVersion": "${ADMISSION_API_VERSION}", "kind": "AdmissionReview", "request": {...}}`,
    };
  }
  const parsed = admissionReviewSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    return { ok: false, reason: issue?.message ?? "invalid AdmissionReview" };
  }
  return { ok: true, request: parsed.data.request };
}

/** Builds the AdmissionReview that carries a response. */
export function admissionReview(response: AdmissionResponse): { apiVersion: string; kind: "AdmissionReview"; response: AdmissionResponse } {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

/** The response half of an AdmissionReview, as the API server reads it. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
}

// An AdmissionRequest has uid and operation at its top level and a GroupVersionKind object as its
// kind, while an AdmissionReview has a "request" member and the string kind "AdmissionReview".
function looksLikeBareRequest(body: Record<string, unknown>): boolean {
  if ("request" in body || "apiVersion" in body) {
    return false;
  }
  return "uid" in body || "operation" in body || isObject(body.kind);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
