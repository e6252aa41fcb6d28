import { beforeAll, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.ts";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { buildBudget, buildPolicyData } from "../helpers/policy-data.ts";

const NOW_MS = Date.parse("2026-06-01T12:00:00Z");

describe("PolicyEngine", () => {
  let engine: PolicyEngine;

  beforeAll(async () => {
    engine = await PolicyEngine.load({ clock: () => NOW_MS });
  });

  describe("#decide", () => {
    it("denies prompt deploy on low quality", () => {
      engine.setData(buildPolicyData(NOW_MS - 60_000, { healthcare: { quality: buildBudget(0.18) } }));
      const decision = engine.decide({ deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } });
      expect(decision.allow).toBe(false);
      expect(decision.required_budgets).toEqual(["quality"]);
      expect(decision.violations).toHaveLength(1);
      const [violation] = decision.violations;
      expect(violation?.code).toBe("budget_below_threshold");
      expect(violation?.budget).toBe("quality");
      expect(violation?.remaining).toBeCloseTo(0.18, 12);
      expect(violation?.threshold).toBe(0.25);
      expect(violation?.message).toBe(
        "quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys",
      );
      expect(decision.revision).toBe(`test-${NOW_MS - 60_000}`);
    });

    it("allows platform deploy with healthy budgets", () => {
      engine.setData(buildPolicyData(NOW_MS - 60_000, { healthcare: { quality: buildBudget(0.18) } }));
      const decision = engine.decide({ deploy: { type: "platform", vertical: "healthcare" } });
      expect(decision.allow).toBe(true);
      expect(decision.violations).toEqual([]);
      expect(decision.required_budgets).toEqual(["availability", "latency", "stall"]);
    });

    it("denies stale budget data", () => {
      engine.setData(buildPolicyData(NOW_MS - 3_600_000));
      const decision = engine.decide({ deploy: { type: "platform", vertical: "healthcare" } });
      expect(decision.allow).toBe(false);
      expect(decision.violations.map((violation) => violation.code)).toContain("stale_budgets");
    });

    it("denies unknown deploy type", () => {
      engine.setData(buildPolicyData(NOW_MS));
      const decision = engine.decide({ deploy: { type: "database", vertical: "healthcare" } });
      expect(decision.allow).toBe(false);
      expect(decision.violations[0]?.code).toBe("unknown_deploy_type");
      expect(decision.violations[0]?.message).toContain("finance, model, platform, prompt");
    });
  });

  describe("#setData", () => {
    it("skips an already loaded revision", () => {
      const data = buildPolicyData(NOW_MS - 1000);
      engine.setData(data);
      expect(engine.setData(data)).toBe(false);
      expect(engine.revision).toBe(data.revision);
    });
  });

  describe("#decideKubernetes", () => {
    it("skips objects without labels", () => {
      engine.setData(buildPolicyData(NOW_MS));
      const decision = engine.decideKubernetes({ apiVersion: "v1", kind: "Pod", metadata: { name: "plain" } });
      expect(decision.gated).toBe(false);
      expect(decision.allow).toBe(true);
    });
  });

  describe("when the module is missing", () => {
    it("raises PolicyError naming the file", async () => {
      await expect(PolicyEngine.load({ wasmPath: "/nonexistent/policy.wasm" })).rejects.toThrow(PolicyError);
      await expect(PolicyEngine.load({ wasmPath: "/nonexistent/policy.wasm" })).rejects.toThrow(/\/nonexistent\/policy\.wasm/);
    });
  });
});
