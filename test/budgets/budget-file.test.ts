import { describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS_FILE, loadBudgetsFile, parseBudgetsText } from "../../src/budgets/load-budgets.ts";
import { ConfigError } from "../../src/errors.ts";

const ONE_BUDGET = `
budgets:
  - name: quality
    sli: quality
    target: 0.95
    gates: [prompt]
`;

function problemsOf(text: string): string {
  try {
    parseBudgetsText(text, "budgets.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the budgets file to be rejected");
}

/** Returns a valid OpenSLO latency SLO document; tests change it with string replacements. */
function openslo(): string {
  return `---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-latency
  displayName: Search latency
  annotations:
    budgetgate.dev/gates: platform
spec:
  description: searches answered within 500 ms
  service: voice-agent
  indicator:
    metadata:
      name: search-latency-sli
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: budgetgate
            spec:
              sli: latency
              thresholdMs: 500
        total:
          metricSource:
            type: budgetgate
            spec:
              sli: latency
  timeWindow:
    - duration: 2w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good searches
      target: 0.99
`;
}

describe("shipped budgets file", () => {
  it("holds the five default budgets", async () => {
    const loaded = await loadBudgetsFile(DEFAULT_BUDGETS_FILE);
    const summary = loaded.definitions.map((d) => [d.name, d.sli, d.target ?? d.allowedOverrun, d.thresholdMs, d.windowSeconds, d.baselineSeconds, d.gates.join(",")]);
    expect(summary).toEqual([
      ["availability", "availability", 0.999, null, 604800, null, "platform"],
      ["latency", "latency", 0.95, 800, 604800, null, "platform"],
      ["stall", "stall", 0.99, 4000, 604800, null, "platform"],
      ["quality", "quality", 0.95, null, 604800, null, "prompt,model"],
      ["cost", "cost", 0.15, null, 604800, 1209600, "finance"],
    ]);
    expect(loaded.definitions[0]!.alerting.page[0]).toEqual({ long: "1h", short: "5m", budgetSpent: 0.05 });
  });
});

describe("budgets file validation", () => {
  it("applies defaults", () => {
    const [definition] = parseBudgetsText(ONE_BUDGET, "budgets.yaml").definitions;
    expect(definition?.windowSeconds).toBe(7 * 86400);
    expect(definition?.alerting.minEvents).toBe(10);
    expect(definition?.overrides).toEqual([]);
  });

  it("fills cost defaults", () => {
    const [definition] = parseBudgetsText("budgets:\n  - {name: cost, sli: cost, gates: [finance]}\n", "b.yaml").definitions;
    expect(definition?.allowedOverrun).toBe(0.15);
    expect(definition?.baselineSeconds).toBe(14 * 86400);
    expect(definition?.target).toBeNull();
  });

  it.each([
    { case: "target 1", value: "1", message: "budgets[0].target: must be > 0 and < 1 (got 1)" },
    { case: "target 0", value: "0", message: "budgets[0].target: must be > 0 and < 1 (got 0)" },
    { case: "target above 1", value: "99.9", message: "budgets[0].target: must be > 0 and < 1 (got 99.9)" },
    { case: "target as text", value: '"high"', message: 'budgets[0].target: must be a number > 0 and < 1 (got "high")' },
  ])("rejects $case", ({ value, message }) => {
    expect(problemsOf(ONE_BUDGET.replace("0.95", value))).toContain(message);
  });

  it("names the third budget's path", () => {
    const text = `budgets:
  - {name: a, sli: quality, target: 0.9, gates: [prompt]}
  - {name: b, sli: quality, target: 0.9, gates: [prompt]}
  - {name: c, sli: quality, target: 1, gates: [prompt]}
`;
    expect(problemsOf(text)).toContain("budgets[2].target: must be > 0 and < 1 (got 1)");
  });

  it.each([
    { text: "budgets:\n  - {name: x, sli: speed, target: 0.9, gates: [a]}", message: 'budgets[0].sli: must be one of availability, latency, stall, quality, cost (got "speed")' },
    { text: "budgets:\n  - {name: x, sli: latency, target: 0.9, gates: [a]}", message: "budgets[0].threshold_ms: is required: a latency budget needs the good-event limit in milliseconds" },
    { text: "budgets:\n  - {name: x, sli: quality, gates: [a]}", message: "budgets[0].target: is required: a quality budget needs a target > 0 and < 1" },
    { text: "budgets:\n  - {name: x, sli: quality, target: 0.9, threshold_ms: 5, gates: [a]}", message: "budgets[0].threshold_ms: is not allowed: only latency and stall budgets have a threshold" },
    { text: "budgets:\n  - {name: x, sli: cost, target: 0.9, gates: [a]}", message: "budgets[0].target: is not allowed: a cost budget sets allowed_overrun instead" },
    { text: "budgets:\n  - {name: x, sli: quality, target: 0.9, gates: []}", message: "budgets[0].gates: must name at least one deploy type" },
    { text: "budgets:\n  - {name: x, sli: quality, target: 0.9, window: 1M, gates: [a]}", message: 'budgets[0].window: must be a duration such as 7d, 36h or 2w, from 1h to 90d (got "1M")' },
    { text: "budgets:\n  - {name: Bad-Name, sli: quality, target: 0.9, gates: [a]}", message: "budgets[0].name: must start with a lowercase letter" },
    { text: "budgets:\n  - {name: x, sli: quality, target: 0.9, gates: [a], colour: red}", message: 'budgets[0]: unknown key "colour"; accepted keys are name, description, sli' },
    { text: "budgets:\n  - {name: x, sli: cost, allowed_overrun: 0, gates: [a]}", message: "budgets[0].allowed_overrun: must be a number > 0 and at most 10" },
    { text: "budgets:\n  - {name: x, sli: cost, baseline_days: 0, gates: [a]}", message: "budgets[0].baseline_days: must be a whole number of days from 1 to 90 (got 0)" },
  ])("rejects with message $message", ({ text, message }) => {
    expect(problemsOf(text)).toContain(message);
  });

  it("rejects duplicate names", () => {
    const text = `budgets:
  - {name: q, sli: quality, target: 0.9, gates: [prompt]}
  - {name: q, sli: quality, target: 0.8, gates: [prompt]}
`;
    expect(problemsOf(text)).toContain('budgets[1]: duplicate budget name "q", already defined by budgets[0]');
  });

  it("validates overrides", () => {
    const text = `budgets:
  - name: latency
    sli: latency
    target: 0.95
    threshold_ms: 800
    gates: [platform]
    overrides:
      - {vertical: healthcare, target: 1}
      - {vertical: salon, allowed_overrun: 0.2}
      - {vertical: salon}
      - {vertical: dental, tenant: t1, threshold_ms: 900}
      - {vertical: dental, tenant: t1, target: 0.9}
`;
    const message = problemsOf(text);
    expect(message).toContain("budgets[0].overrides[0].target: must be > 0 and < 1 (got 1)");
    expect(message).toContain("budgets[0].overrides[1].allowed_overrun: is not allowed: only a cost budget has an allowed overrun");
    expect(message).toContain("budgets[0].overrides[2]: must set target, threshold_ms or allowed_overrun");
    expect(message).toContain("budgets[0].overrides[4]: repeats the scope of overrides[3]");
  });

  it("reads overrides", () => {
    const text = ONE_BUDGET + "    overrides:\n      - {vertical: healthcare, tenant: t1, target: 0.9}\n";
    const [definition] = parseBudgetsText(text, "b.yaml").definitions;
    expect(definition?.overrides).toEqual([{ vertical: "healthcare", tenant: "t1", target: 0.9, thresholdMs: null, allowedOverrun: null }]);
  });

  it("validates alerting pairs", () => {
    const text = `alerting:
  min_events: -1
  page:
    - {long: 5m, short: 1h, budget_spent: 0.02}
    - {long: 1h, short: 5m, budget_spent: 2}
    - {long: 4h, short: 5m, budget_spent: 0.1}
${ONE_BUDGET}`;
    const message = problemsOf(text);
    expect(message).toContain("alerting.min_events: must be a whole number from 0 to 1000000 (got -1)");
    expect(message).toContain('alerting.page[0].short: must be a shorter window than long (5m) (got "1h")');
    expect(message).toContain("alerting.page[1].budget_spent: must be a share of the budget > 0 and at most 1 (got 2)");
    expect(message).toContain('alerting.page[2].long: must be one of 5m, 30m, 1h, 2h, 6h, 1d, 3d (got "4h")');
  });

  it("merges budget alerting over file alerting", () => {
    const text = `alerting:
  min_events: 3
budgets:
  - name: q
    sli: quality
    target: 0.9
    gates: [prompt]
    alerting:
      page: [{long: 1h, short: 5m, budget_spent: 0.02}]
`;
    const [definition] = parseBudgetsText(text, "b.yaml").definitions;
    expect(definition?.alerting.minEvents).toBe(3);
    expect(definition?.alerting.page).toEqual([{ long: "1h", short: "5m", budgetSpent: 0.02 }]);
    expect(definition?.alerting.ticket).toHaveLength(2);
  });

  it("reports invalid YAML", () => {
    expect(problemsOf("budgets: [\n")).toMatch(/document 1: invalid YAML/);
  });

  it("rejects file without budgets", () => {
    expect(problemsOf("alerting: {min_events: 5}\n")).toContain("defines no budgets");
  });
});

describe("OpenSLO documents", () => {
  it("reads a ratio SLO", () => {
    const { definitions } = parseBudgetsText(ONE_BUDGET + openslo(), "b.yaml");
    expect(definitions[1]).toMatchObject({
      name: "search_latency",
      description: "searches answered within 500 ms",
      sli: "latency",
      target: 0.99,
      thresholdMs: 500,
      windowSeconds: 14 * 86400,
      gates: ["platform"],
      overrides: [],
    });
  });

  it("accepts a file of OpenSLO documents only", () => {
    const { definitions } = parseBudgetsText(openslo(), "b.yaml");
    expect(definitions.map((definition) => definition.name)).toEqual(["search_latency"]);
  });

  it.each([
    { case: "Timeslices", from: "budgetingMethod: Occurrences", to: "budgetingMethod: Timeslices", message: 'spec.budgetingMethod: must be Occurrences: budgetgate counts good and total events, and Timeslices and RatioTimeslices are not supported (got "Timeslices")' },
    { case: "calendar window", from: "isRolling: true", to: "isRolling: true\n      calendar: {startTime: 2026-01-01 00:00:00, timeZone: UTC}", message: "spec.timeWindow[0].calendar: is not supported: calendar windows do not apply" },
    { case: "non-rolling window", from: "isRolling: true", to: "isRolling: false", message: "spec.timeWindow[0].isRolling: must be true: only rolling windows are supported (got false)" },
    { case: "month window", from: "duration: 2w", to: "duration: 1M", message: 'spec.timeWindow[0].duration: must be a duration from 1h to 90d in m, h, d or w, such as 7d (got "1M")' },
    { case: "thresholdMetric", from: "      ratioMetric:", to: "      thresholdMetric: {metricSource: {type: budgetgate}}\n      ratioMetric:", message: "spec.indicator.spec.thresholdMetric: is not supported: budgetgate budgets count events" },
    { case: "target 1", from: "target: 0.99", to: "target: 1", message: "spec.objectives[0].target: must be > 0 and < 1 (got 1)" },
    { case: "op and value", from: "target: 0.99", to: "target: 0.99\n      op: lt\n      value: 500", message: "spec.objectives[0].op: is not supported: threshold objectives do not apply" },
    { case: "time slice target", from: "target: 0.99", to: "target: 0.99\n      timeSliceTarget: 0.9", message: "spec.objectives[0].timeSliceTarget: is not supported: time slices do not apply" },
    { case: "indicatorRef", from: "  budgetingMethod:", to: "  indicatorRef: foo\n  budgetingMethod:", message: "spec.indicatorRef: is not supported: write the indicator inline" },
    { case: "foreign source", from: "type: budgetgate\n            spec:\n              sli: latency\n              thresholdMs: 500", to: "type: Prometheus\n            spec:\n              sli: latency\n              thresholdMs: 500", message: 'spec.indicator.spec.ratioMetric.good.metricSource.type: must be budgetgate' },
    { case: "cost SLI", from: "sli: latency\n              thresholdMs: 500", to: "sli: cost", message: 'spec.indicator.spec.ratioMetric.good.metricSource.spec.sli: must be one of availability, latency, stall, quality (the cost budget has no OpenSLO form' },
    { case: "bad metric", from: "        total:", to: "        bad: {metricSource: {type: budgetgate, spec: {sli: latency}}}\n        total:", message: "spec.indicator.spec.ratioMetric.bad: is not supported: give good and total instead" },
    { case: "alert policies", from: "  budgetingMethod:", to: "  alertPolicies: [page-me]\n  budgetingMethod:", message: "spec.alertPolicies: is not supported: set alerting in the budgetgate document" },
    { case: "missing gates", from: "    budgetgate.dev/gates: platform", to: "    team: search", message: 'metadata.annotations["budgetgate.dev/gates"]: must list the deploy types this budget gates' },
    { case: "missing threshold", from: "\n              thresholdMs: 500", to: "", message: "spec.indicator.spec.ratioMetric.good.metricSource.spec.thresholdMs: is required: a latency SLI needs the good-event limit" },
    { case: "other kind", from: "kind: SLO", to: "kind: SLI", message: 'kind: must be SLO: budgetgate reads only SLO documents of OpenSLO (got "SLI")' },
  ])("rejects $case", ({ from, to, message }) => {
    const document = openslo();
    expect(document).toContain(from);
    const changed = document.replace(from, to);
    const problems = problemsOf(ONE_BUDGET + changed);
    expect(problems).toContain("document 2 (OpenSLO): ");
    expect(problems).toContain(message);
  });

  it("rejects mismatched SLI kinds", () => {
    const document = openslo().replace("spec:\n              sli: latency\n  timeWindow", "spec:\n              sli: quality\n  timeWindow");
    const changed = document.replace(/total:\n(\s+)metricSource:\n(\s+)type: budgetgate\n(\s+)spec:\n(\s+)sli: latency/, "total:\n$1metricSource:\n$2type: budgetgate\n$3spec:\n$4sli: quality");
    expect(problemsOf(changed)).toContain("spec.indicator.spec.ratioMetric.total.metricSource.spec.sli: must name the same SLI as good (latency, got quality)");
  });

  it("rejects name clash with budgets list", () => {
    const renamed = openslo().replace("name: search-latency\n", "name: quality\n");
    expect(problemsOf(ONE_BUDGET + renamed)).toContain('document 2 (OpenSLO): duplicate budget name "quality", already defined by document 1: budgets[0]');
  });
});
