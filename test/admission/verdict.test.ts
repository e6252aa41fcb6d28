import { describe, expect, it } from "vitest";
import { changesWorkload, controllerOf } from "../../src/admission/changes.ts";
import { MAX_WARNING_LENGTH, shortWarning } from "../../src/admission/verdict.ts";
import type { Finding } from "../../src/policy/decision.ts";

function finding(overrides: Partial<Finding>): Finding {
  return { code: "break_glass", vertical: null, budget: null, remaining: null, threshold: null, message: "", ...overrides };
}

describe("shortWarning", () => {
  it("rebuilds budget warning", () => {
    const warning = shortWarning(
      finding({
        code: "budget_warning",
        vertical: "real_estate",
        budget: "availability",
        remaining: 0.4049,
        threshold: 0.5,
        message: "availability budget of real_estate has 40.5% remaining, below the 50.0% warning threshold for platform deploys, which are blocked below 25.0%",
      }),
    );
    expect(warning).toBe("availability budget of real_estate has 40.5% remaining, below the 50.0% warning level");
  });

  it("cuts long message at a word", () => {
    const message = `break-glass override in effect with reason "${"incident ".repeat(30).trim()}", so violations are listed but do not block this deploy`;
    const warning = shortWarning(finding({ message }));
    expect(warning.length).toBeLessThanOrEqual(MAX_WARNING_LENGTH);
    expect(warning.endsWith("…")).toBe(true);
    expect(warning.startsWith('break-glass override in effect with reason "incident')).toBe(true);
    expect(warning).not.toMatch(/ …$/);
  });

  it("drops Warning prefix", () => {
    expect(shortWarning(finding({ message: "Warning: budget data is old" }))).toBe("budget data is old");
  });

  it("keeps short message", () => {
    expect(shortWarning(finding({ message: "cost budget of salon has no data" }))).toBe("cost budget of salon has no data");
  });
});

describe("controllerOf", () => {
  it("finds controller reference", () => {
    const object = { metadata: { ownerReferences: [{ kind: "ConfigMap", name: "c" }, { kind: "ReplicaSet", name: "web-5d8f", controller: true }] } };
    expect(controllerOf(object)).toEqual({ kind: "ReplicaSet", name: "web-5d8f" });
  });

  it.each([
    { case: "no references", object: { metadata: {} } },
    { case: "non-controller owner", object: { metadata: { ownerReferences: [{ kind: "ConfigMap", name: "c", controller: false }] } } },
    { case: "malformed references", object: { metadata: { ownerReferences: "ReplicaSet" } } },
    { case: "not an object", object: null },
  ])("returns null for $case", ({ object }) => {
    expect(controllerOf(object)).toBeNull();
  });
});

describe("changesWorkload", () => {
  const deployment = (image: string, replicas: number, paused = false) => ({
    metadata: { labels: { app: "web" } },
    spec: { replicas, paused, template: { spec: { containers: [{ name: "web", image }] } } },
  });

  it("detects new image", () => {
    expect(changesWorkload(deployment("web:2", 2), deployment("web:1", 2))).toBe(true);
  });

  it("ignores scaling and pausing", () => {
    expect(changesWorkload(deployment("web:1", 5, true), deployment("web:1", 2))).toBe(false);
  });

  it("ignores key order and metadata", () => {
    const old = deployment("web:1", 2);
    const reordered = { metadata: { labels: { app: "web", team: "x" } }, spec: { template: old.spec.template, paused: false, replicas: 2 } };
    expect(changesWorkload(reordered, old)).toBe(false);
  });

  it("treats missing old object as change", () => {
    expect(changesWorkload(deployment("web:1", 2), null)).toBe(true);
  });
});
