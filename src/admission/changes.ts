import canonicalize from "canonicalize";

/**
 * Spec fields whose change is not a deploy: scaling, pausing a rollout and suspending a Job or
 * CronJob. These stay possible while a budget is spent, because they are how an incident is handled.
 */
const NON_DEPLOY_SPEC_FIELDS = ["replicas", "paused", "suspend"];

/**
 * Returns the controller that owns an object (the ownerReference with `controller: true`), or null.
 * Controllers create Pods, ReplicaSets and Jobs from a parent that was already admitted, so the
 * webhook does not decide on them again.
 */
export function controllerOf(object: unknown): { kind: string; name: string } | null {
  const metadata = field(object, "metadata");
  const references = field(metadata, "ownerReferences");
  if (!Array.isArray(references)) {
    return null;
  }
  for (const reference of references) {
    if (field(reference, "controller") === true) {
      return { kind: String(field(reference, "kind") ?? "unknown"), name: String(field(reference, "name") ?? "unknown") };
    }
  }
  return null;
}

/**
 * Returns whether an UPDATE changes what runs: true when `spec` differs between the old and the new
 * object, ignoring the fields in NON_DEPLOY_SPEC_FIELDS. Metadata-only updates (labels,
 * annotations, finalizers) are not deploys. A missing old object counts as a change.
 */
export function changesWorkload(object: unknown, oldObject: unknown): boolean {
  if (oldObject === undefined || oldObject === null) {
    return true;
  }
  return canonicalSpec(object) !== canonicalSpec(oldObject);
}

function canonicalSpec(object: unknown): string {
  const spec = field(object, "spec");
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    return canonicalize(spec ?? null) ?? "null";
  }
  const relevant = Object.fromEntries(Object.entries(spec).filter(([key]) => !NON_DEPLOY_SPEC_FIELDS.includes(key)));
  return canonicalize(relevant) ?? "null";
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  return (value as Record<string, unknown>)[key];
}
