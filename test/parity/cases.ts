import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** The two entrypoints that both engines evaluate. */
export type Entrypoint = "decision" | "kubernetes";

/**
 * How computed_at_ns is set. Ages are seconds before the moment each engine is run, because both
 * engines read the real clock through time.now_ns. A `value` is written as it is.
 */
export type ComputedAt = { ageSeconds: number } | { value: unknown } | "absent";

/** One generated decision: the input, the budget data document and the entrypoint. */
export interface ParityCase {
  id: string;
  /** What the case exercises, for failure messages. */
  summary: string;
  entrypoint: Entrypoint;
  input: unknown;
  /** data.budgetgate without computed_at_ns; a key left out is absent from the document. */
  data: Record<string, unknown>;
  computedAt: ComputedAt;
}

/**
 * Ages of budget data in seconds: fresh, from the future (clock skew) and stale. Every age is a
 * whole number of tenths of a minute. Each is at least 3 minutes from every stale_after_seconds
 * that the generator uses (300, 900 and 3600). So the printed age and the stale verdict stay the
 * same while an engine starts, unless it starts 3 s or more after its data was written.
 */
const FRESH_AGES = [0, 30, 60, 120, -300];
const STALE_AGES = [7200, 86_400];

export const BUDGET_NAMES = ["availability", "latency", "stall", "quality", "cost"] as const;
export const VERTICALS = ["healthcare", "real_estate", "salon"] as const;
const DEFAULT_DEPLOY_TYPES: Record<string, string[]> = {
  platform: ["availability", "latency", "stall"],
  prompt: ["quality"],
  model: ["quality"],
  finance: ["cost"],
};

/**
 * Remaining fractions that sit on or next to a threshold (0.25 block, 0.1 escalate, 0.5 warn),
 * outside [0, 1], or that end in 5 in the fourth decimal, where rounding to tenths of a percent
 * meets a tie.
 */
const EDGE_REMAINING = [0.25, 0.1, 0.5, 0, 1, -0.3, -1.25, 1.2, 0.2499999, 0.2500001, 0.0999, 0.1001, 0.4999, 0.5001, 0.1235, 0.0005, 0.2445, 0.3, 0.15, 0.6];

/** Seeded helper around pure-rand; the same seed gives the same sequence on every run. */
export class Random {
  readonly #rng: RandomGenerator;

  constructor(seed: number) {
    this.#rng = xoroshiro128plus(seed);
  }

  /** Returns an integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.#rng, min, max);
  }

  /** True with probability `p`, in steps of 1/10000. */
  chance(p: number): boolean {
    return this.int(0, 9999) < Math.round(p * 10_000);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) {
      throw new Error("pick needs a non-empty list");
    }
    return item;
  }

  /** Picks a value by weight: `[[weight, value], ...]`. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.int(0, total - 1);
    for (const [weight, value] of choices) {
      if (roll < weight) {
        return value;
      }
      roll -= weight;
    }
    throw new Error("weighted needs positive weights");
  }
}

// Budget data documents

function budgetEntry(remaining: unknown, status: unknown): Record<string, unknown> {
  const numeric = typeof remaining === "number";
  const entry: Record<string, unknown> = {
    target: 0.95,
    budget: 0.05,
    sli: numeric ? 0.95 + 0.05 * remaining : null,
    burn: numeric ? 0.05 * (1 - remaining) : null,
    burn_rate: numeric ? 1 - remaining : null,
    remaining,
    eligible: numeric ? 10_000 : 0,
    good: numeric ? Math.round(10_000 * (0.95 + 0.05 * remaining)) : 0,
  };
  if (status !== undefined) {
    entry.status = status;
  }
  return entry;
}

function randomRemaining(random: Random): number {
  return random.weighted<() => number>([
    [4, () => random.pick(EDGE_REMAINING)],
    [3, () => random.int(-2000, 11_000) / 10_000],
    [2, () => random.int(-200_000_000, 1_100_000_000) / 1e9],
  ])();
}

/** Builds a random budget entry, or returns undefined to leave the budget out of its vertical. */
function randomBudgetEntry(random: Random): unknown {
  return random.weighted<() => unknown>([
    [70, () => budgetEntry(randomRemaining(random), "ok")],
    [9, () => budgetEntry(null, "no_data")],
    [3, () => budgetEntry(null, "ok")],
    [3, () => budgetEntry(String(randomRemaining(random)), "ok")],
    [4, () => budgetEntry(randomRemaining(random), undefined)],
    [3, () => budgetEntry(randomRemaining(random), "degraded")],
    [2, () => random.pick([null, 0.5, "ok", [] as unknown[]])],
    [6, () => undefined],
  ])();
}

function randomVertical(random: Random): unknown {
  return random.weighted<() => unknown>([
    [90, () => {
      const budgets: Record<string, unknown> = {};
      for (const name of BUDGET_NAMES) {
        const entry = randomBudgetEntry(random);
        if (entry !== undefined) {
          budgets[name] = entry;
        }
      }
      return { budgets };
    }],
    [3, () => ({ budgets: "none" })],
    [3, () => ({})],
    [2, () => "healthcare"],
    [2, () => null],
  ])();
}

function randomDeployTypes(random: Random): Record<string, unknown> {
  const types: Record<string, unknown> = {};
  for (const [name, budgets] of Object.entries(DEFAULT_DEPLOY_TYPES)) {
    if (random.chance(0.04)) {
      continue;
    }
    const failOpen = random.weighted<unknown>([
      [80, false],
      [15, true],
      [3, "true"],
      [2, 1],
    ]);
    const withBadName = name === "prompt" && random.chance(0.05) ? [1, ...budgets] : budgets;
    types[name] = { budgets: withBadName, fail_open: failOpen };
  }
  if (random.chance(0.15)) {
    // A configured type that requires a budget the engine does not compute.
    types.experiment = { budgets: ["latency", "error_rate"], fail_open: random.chance(0.5) };
  }
  if (random.chance(0.1)) {
    // A type without a budgets array counts as not configured.
    types.legacy = { fail_open: true };
  }
  return types;
}

function randomConfig(random: Random): unknown {
  const shape = random.weighted([
    [95, "object"],
    [3, "absent"],
    [2, "string"],
  ] as const);
  if (shape === "absent") {
    return undefined;
  }
  if (shape === "string") {
    return "config";
  }
  const config: Record<string, unknown> = { deploy_types: randomDeployTypes(random) };
  const thresholds = random.weighted<unknown>([
    [60, { block: 0.25, escalate: 0.1, warn: 0.5 }],
    [15, { block: 0.3, escalate: 0.15, warn: 0.6 }],
    [10, { block: 0.2 }],
    [10, { block: "0.3", escalate: null, warn: 0.45 }],
    [5, undefined],
  ]);
  if (thresholds !== undefined) {
    config.thresholds = thresholds;
  }
  const staleAfter = random.weighted<unknown>([
    [55, 900],
    [20, 3600],
    [10, 300],
    [10, undefined],
    [5, "900"],
  ]);
  if (staleAfter !== undefined) {
    config.stale_after_seconds = staleAfter;
  }
  const noData = random.weighted<unknown>([
    [50, "deny"],
    [30, "allow"],
    [10, undefined],
    [5, "ALLOW"],
    [5, true],
  ]);
  if (noData !== undefined) {
    config.no_data = noData;
  }
  return config;
}

function randomComputedAt(random: Random): ComputedAt {
  return random.weighted<() => ComputedAt>([
    [70, () => ({ ageSeconds: random.pick(FRESH_AGES) })],
    [21, () => ({ ageSeconds: random.pick(STALE_AGES) })],
    [4, () => "absent"],
    [3, () => ({ value: "2026-06-01T12:00:00Z" })],
    [2, () => ({ value: null })],
  ])();
}

/** Builds a random data.budgetgate document (without computed_at_ns) and picks how its computed_at_ns is set. */
export function randomBudgetData(random: Random, id: string): { data: Record<string, unknown>; computedAt: ComputedAt } {
  const data: Record<string, unknown> = {};
  // The revision is a string or absent: budgetgate's snapshot reader rejects any other type, and
  // the engine's result schema requires a string or null.
  const revision = random.chance(0.9) ? `rev-${id}` : undefined;
  if (revision !== undefined) {
    data.revision = revision;
  }
  const config = randomConfig(random);
  if (config !== undefined) {
    data.config = config;
  }
  const verticalsShape = random.weighted([
    [94, "some"],
    [3, "empty"],
    [3, "absent"],
  ] as const);
  if (verticalsShape !== "absent") {
    const verticals: Record<string, unknown> = {};
    if (verticalsShape === "some") {
      for (const vertical of VERTICALS) {
        if (random.chance(0.85)) {
          verticals[vertical] = randomVertical(random);
        }
      }
    }
    data.verticals = verticals;
  }
  return { data, computedAt: randomComputedAt(random) };
}

// Deploy descriptors

/** Deploy types of a document, for picking types that the data configures most of the time. */
function configuredTypes(data: Record<string, unknown>): string[] {
  const config = data.config;
  if (typeof config !== "object" || config === null) {
    return [];
  }
  const types = (config as { deploy_types?: unknown }).deploy_types;
  return typeof types === "object" && types !== null ? Object.keys(types) : [];
}

function randomDeployType(random: Random, known: readonly string[]): unknown {
  const candidates = known.length > 0 ? known : Object.keys(DEFAULT_DEPLOY_TYPES);
  return random.weighted<() => unknown>([
    [70, () => random.pick(candidates)],
    [8, () => random.pick(["database", "Prompt", "prompt "])],
    [5, () => random.pick(["", "   "])],
    [7, () => random.pick<unknown>([42, true, null, ["prompt"], { type: "prompt" }])],
    [10, () => undefined],
  ])();
}

function randomVerticalName(random: Random): unknown {
  return random.weighted<() => unknown>([
    [75, () => random.pick(VERTICALS)],
    [8, () => random.pick(["dental", "Healthcare"])],
    [4, () => random.pick(["", "  "])],
    [5, () => random.pick<unknown>([3, false, null])],
    [8, () => undefined],
  ])();
}

function randomBreakGlass(random: Random): unknown {
  return random.weighted<() => unknown>([
    [75, () => undefined],
    [10, () => "incident 42"],
    [4, () => ""],
    [3, () => "   "],
    [4, () => random.pick<unknown>([0, false, null, {}])],
    [4, () => 'rollback of "voice-agent" — café outage'],
  ])();
}

function setIfDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) {
    target[key] = value;
  }
}

/** Builds a random input of budgetgate/decision: mostly `{deploy: {...}}`, sometimes malformed. */
export function randomDecisionInput(random: Random, data: Record<string, unknown>): unknown {
  if (random.chance(0.08)) {
    return random.pick<unknown>([{}, null, "deploy", [], { deploy: null }, { deploy: "prompt" }, { deploy: [] }, { deploy: {} }]);
  }
  const deploy: Record<string, unknown> = {};
  setIfDefined(deploy, "type", randomDeployType(random, configuredTypes(data)));
  setIfDefined(deploy, "vertical", randomVerticalName(random));
  setIfDefined(deploy, "service", random.weighted<unknown>([[60, "voice-agent"], [35, undefined], [5, 5]]));
  setIfDefined(deploy, "break_glass", randomBreakGlass(random));
  if (random.chance(0.1)) {
    deploy.team = "payments";
  }
  return { deploy };
}

// Kubernetes objects

interface KindShape {
  apiVersion: string;
  kind: string;
  /** Where the pod template sits: none (Pod and non-workloads), spec.template, or a CronJob's. */
  template: "none" | "spec" | "cronjob";
}

export const KUBERNETES_KINDS: readonly KindShape[] = [
  { apiVersion: "apps/v1", kind: "Deployment", template: "spec" },
  { apiVersion: "apps/v1", kind: "StatefulSet", template: "spec" },
  { apiVersion: "apps/v1", kind: "DaemonSet", template: "spec" },
  { apiVersion: "apps/v1", kind: "ReplicaSet", template: "spec" },
  { apiVersion: "batch/v1", kind: "Job", template: "spec" },
  { apiVersion: "batch/v1", kind: "CronJob", template: "cronjob" },
  { apiVersion: "v1", kind: "Pod", template: "none" },
  { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", template: "spec" },
  { apiVersion: "serving.knative.dev/v1", kind: "Service", template: "spec" },
  { apiVersion: "v1", kind: "ConfigMap", template: "none" },
];

type Block = "object" | "template" | "cronjob";
type Section = "labels" | "annotations";

interface Placement {
  block: Block;
  section: Section;
}

const KEYS = {
  type: "budgetgate.dev/deploy-type",
  vertical: "budgetgate.dev/vertical",
  service: "budgetgate.dev/service",
  breakGlass: "budgetgate.dev/break-glass",
} as const;

function blocksOf(shape: KindShape): Block[] {
  if (shape.template === "spec") {
    return ["object", "template"];
  }
  if (shape.template === "cronjob") {
    return ["object", "cronjob"];
  }
  return ["object"];
}

function emptyObject(shape: KindShape, name: unknown, namespace: string | undefined): Record<string, any> {
  const metadata: Record<string, unknown> = {};
  setIfDefined(metadata, "name", name);
  setIfDefined(metadata, "namespace", namespace);
  const podSpec = { containers: [{ name: "app", image: "registry.example/app:1.4.2" }] };
  const template = { metadata: { labels: { app: typeof name === "string" ? name : "app" } }, spec: podSpec };
  const object: Record<string, any> = { apiVersion: shape.apiVersion, kind: shape.kind, metadata };
  if (shape.template === "spec") {
    object.spec = { replicas: 2, template };
  } else if (shape.template === "cronjob") {
    object.spec = { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } };
  } else if (shape.kind === "Pod") {
    object.spec = podSpec;
  } else {
    object.data = { key: "value" };
  }
  return object;
}

function metadataBlock(object: Record<string, any>, block: Block): Record<string, any> {
  if (block === "object") {
    return object.metadata;
  }
  const template = block === "template" ? object.spec.template : object.spec.jobTemplate.spec.template;
  template.metadata ??= {};
  return template.metadata;
}

function place(object: Record<string, any>, placement: Placement, key: string, value: unknown): void {
  const metadata = metadataBlock(object, placement.block);
  metadata[placement.section] ??= {};
  metadata[placement.section][key] = value;
}

/** Picks a placement that loses against `winner`: a later block, or the label beside an annotation. */
function losingPlacement(random: Random, blocks: readonly Block[], winner: Placement): Placement | null {
  const options: Placement[] = [];
  if (winner.section === "annotations") {
    options.push({ block: winner.block, section: "labels" });
  }
  for (const block of blocks.slice(blocks.indexOf(winner.block) + 1)) {
    options.push({ block, section: "labels" }, { block, section: "annotations" });
  }
  return options.length > 0 ? random.pick(options) : null;
}

function randomPlacement(random: Random, blocks: readonly Block[]): Placement {
  return { block: random.pick(blocks), section: random.pick(["labels", "annotations"] as const) };
}

/** Randomly breaks the object's structure in ways that the adapter must tolerate. */
function malform(random: Random, object: Record<string, any>): string {
  const change = random.pick(["metadata-null", "metadata-string", "template-string", "labels-array", "no-spec"] as const);
  switch (change) {
    case "metadata-null":
      object.metadata = null;
      break;
    case "metadata-string":
      object.metadata = "frontend";
      break;
    case "template-string":
      if (object.spec?.template !== undefined) {
        object.spec.template = "template";
      }
      break;
    case "labels-array":
      object.metadata.labels = ["budgetgate.dev/deploy-type=prompt"];
      break;
    case "no-spec":
      delete object.spec;
      break;
  }
  return change;
}

/** Builds a random Kubernetes object with budgetgate keys spread over its metadata blocks. */
export function randomKubernetesObject(random: Random, data: Record<string, unknown>): { object: unknown; summary: string } {
  const shape = random.pick(KUBERNETES_KINDS);
  const blocks = blocksOf(shape);
  const name = random.weighted<unknown>([
    [94, random.pick(["frontend", "voice-agent", "billing-worker", "cassandra"])],
    [3, undefined],
    [3, 17],
  ]);
  const object = emptyObject(shape, name, random.chance(0.6) ? "prod" : undefined);
  const notes: string[] = [shape.kind];

  const values: [keyof typeof KEYS, unknown][] = [];
  if (random.chance(0.88)) {
    const type = random.weighted<() => unknown>([
      [92, () => randomDeployType(random, configuredTypes(data))],
      [8, () => random.pick<unknown>([null, 7])],
    ])();
    values.push(["type", type === undefined ? "" : type]);
  }
  if (random.chance(0.82)) {
    values.push(["vertical", randomVerticalName(random) ?? "healthcare"]);
  }
  if (random.chance(0.2)) {
    values.push(["service", random.pick<unknown>(["checkout", "", 9])]);
  }
  for (const [field, value] of values) {
    const placement = randomPlacement(random, blocks);
    place(object, placement, KEYS[field], value);
    notes.push(`${field}@${placement.block}.${placement.section}`);
    if (random.chance(0.12)) {
      const loser = losingPlacement(random, blocks, placement);
      if (loser !== null) {
        place(object, loser, KEYS[field], field === "type" ? "finance" : "salon");
        notes.push(`decoy ${field}@${loser.block}.${loser.section}`);
      }
    }
  }
  const breakGlass = randomBreakGlass(random);
  if (breakGlass !== undefined) {
    // The break-glass key counts only as an annotation; a label with it is ignored.
    const placement: Placement = { block: random.pick(blocks), section: random.chance(0.15) ? "labels" : "annotations" };
    place(object, placement, KEYS.breakGlass, breakGlass);
    notes.push(`break-glass@${placement.block}.${placement.section}`);
  }
  if (random.chance(0.05)) {
    notes.push(`malformed ${malform(random, object)}`);
  }
  return { object, summary: notes.join(", ") };
}

// Cases

/**
 * Builds a budget document for healthcare and salon with every budget at 80 % remaining except
 * those given (null for a no-data budget). Each case sets computed_at_ns itself.
 */
export function budgetDocument(
  id: string,
  remaining: Partial<Record<string, Partial<Record<(typeof BUDGET_NAMES)[number], number | null>>>> = {},
  config: Record<string, unknown> = {},
): Record<string, unknown> {
  const verticals: Record<string, unknown> = {};
  for (const vertical of ["healthcare", "salon"]) {
    const budgets: Record<string, unknown> = {};
    for (const name of BUDGET_NAMES) {
      const value = remaining[vertical]?.[name];
      budgets[name] = value === null ? budgetEntry(null, "no_data") : budgetEntry(value ?? 0.8, "ok");
    }
    verticals[vertical] = { budgets };
  }
  const deployTypes: Record<string, unknown> = {};
  for (const [name, budgets] of Object.entries(DEFAULT_DEPLOY_TYPES)) {
    deployTypes[name] = { budgets, fail_open: false };
  }
  return {
    revision: `rev-${id}`,
    config: { deploy_types: deployTypes, thresholds: { block: 0.25, escalate: 0.1, warn: 0.5 }, stale_after_seconds: 900, no_data: "deny", ...config },
    verticals,
  };
}

/** Hand-written cases for the edges named in docs/policy.md; the random cases cover their combinations. */
function edgeCases(): Omit<ParityCase, "id">[] {
  const fresh: ComputedAt = { ageSeconds: 60 };
  const stale: ComputedAt = { ageSeconds: 7200 };
  const prompt = (vertical: unknown, extra: Record<string, unknown> = {}) => ({ deploy: { type: "prompt", vertical, service: "voice-agent", ...extra } });
  const failOpenPlatform = {
    deploy_types: {
      platform: { budgets: ["availability", "latency", "stall"], fail_open: true },
      prompt: { budgets: ["quality"], fail_open: false },
    },
  };
  const cases: Omit<ParityCase, "id">[] = [];
  const add = (summary: string, input: unknown, data: Record<string, unknown>, computedAt: ComputedAt = fresh, entrypoint: Entrypoint = "decision") =>
    cases.push({ summary, entrypoint, input, data, computedAt });

  for (const remaining of [0.25, 0.1, 0.5, 0.2499999, 0.0999, -0.4, 0, 1]) {
    add(`prompt deploy, quality remaining exactly ${remaining}`, prompt("healthcare"), budgetDocument("edge", { healthcare: { quality: remaining } }));
  }
  add("break-glass with reason on a denied deploy", prompt("healthcare", { break_glass: "incident 42" }), budgetDocument("edge", { healthcare: { quality: 0.05 } }));
  add("break-glass with empty reason", prompt("healthcare", { break_glass: "" }), budgetDocument("edge", { healthcare: { quality: 0.05 } }));
  add("break-glass with blank reason", prompt("healthcare", { break_glass: "  " }), budgetDocument("edge"));
  add("break-glass that is a number", prompt("healthcare", { break_glass: 42 }), budgetDocument("edge"));
  add("break-glass that is null", prompt("healthcare", { break_glass: null }), budgetDocument("edge"));
  add("unknown deploy type", { deploy: { type: "database", vertical: "healthcare" } }, budgetDocument("edge"));
  add("unknown vertical", prompt("dental"), budgetDocument("edge"));
  add("unknown vertical, fail_open type", { deploy: { type: "platform", vertical: "dental" } }, budgetDocument("edge", {}, failOpenPlatform));
  add("stale data, fail_open type", { deploy: { type: "platform", vertical: "healthcare" } }, budgetDocument("edge", {}, failOpenPlatform), stale);
  add("low budget, fail_open type", { deploy: { type: "platform", vertical: "salon" } }, budgetDocument("edge", { salon: { latency: 0.05 } }, failOpenPlatform));
  add("no-data budget, no_data deny", { deploy: { type: "platform", vertical: "healthcare" } }, budgetDocument("edge", { healthcare: { availability: null } }));
  add("no-data budget, no_data allow", { deploy: { type: "platform", vertical: "healthcare" } }, budgetDocument("edge", { healthcare: { availability: null } }, { no_data: "allow" }));
  add("stale data, 2 hours old", prompt("salon"), budgetDocument("edge"), stale);
  add("stale data, 1 day old", prompt("salon"), budgetDocument("edge"), { ageSeconds: 86_400 });
  add("data from 5 minutes in the future", prompt("salon"), budgetDocument("edge"), { ageSeconds: -300 });
  add("no computed_at_ns", prompt("salon"), budgetDocument("edge"), "absent");
  add("computed_at_ns is a string", prompt("salon"), budgetDocument("edge"), { value: "2026-06-01T12:00:00Z" });
  const { config: _config, ...withoutConfig } = budgetDocument("edge");
  add("no config", prompt("salon"), withoutConfig);
  add("no config and no computed_at_ns", prompt("salon"), withoutConfig, "absent");
  add("empty document", prompt("salon"), {}, "absent");
  add("no deploy type and no vertical", { deploy: { service: "voice-agent" } }, budgetDocument("edge"));
  add("deploy type is a number", { deploy: { type: 42, vertical: "healthcare" } }, budgetDocument("edge"));
  add("vertical is blank", { deploy: { type: "prompt", vertical: " " } }, budgetDocument("edge"));
  for (const input of [{}, null, "deploy", [], { deploy: null }, { deploy: "prompt" }, { deploy: [] }]) {
    add(`malformed input ${JSON.stringify(input)}`, input, budgetDocument("edge"));
  }
  add("type without budgets array", { deploy: { type: "legacy", vertical: "healthcare" } }, budgetDocument("edge", {}, { deploy_types: { legacy: { fail_open: true } } }));
  add(
    "required budget missing from the vertical",
    { deploy: { type: "experiment", vertical: "healthcare" } },
    budgetDocument("edge", {}, { deploy_types: { experiment: { budgets: ["latency", "error_rate"], fail_open: false } } }),
  );
  add("custom thresholds", prompt("healthcare"), budgetDocument("edge", { healthcare: { quality: 0.28 } }, { thresholds: { block: 0.3, escalate: 0.15, warn: 0.6 } }));
  add("thresholds that are not numbers", prompt("healthcare"), budgetDocument("edge", { healthcare: { quality: 0.2 } }, { thresholds: { block: "0.3", escalate: null } }));
  add("stale_after_seconds is a string", prompt("healthcare"), budgetDocument("edge", {}, { stale_after_seconds: "60" }), { ageSeconds: 120 });

  // One object of every kind with the keys on object labels, then on the pod template's annotations.
  for (const shape of KUBERNETES_KINDS) {
    for (const where of ["labels", "template-annotations"] as const) {
      if (where === "template-annotations" && shape.template === "none") {
        continue;
      }
      const object = emptyObject(shape, "voice-agent", "prod");
      let block: Block = "object";
      if (where === "template-annotations") {
        block = shape.template === "cronjob" ? "cronjob" : "template";
      }
      const section: Section = where === "labels" ? "labels" : "annotations";
      place(object, { block, section }, KEYS.type, "prompt");
      place(object, { block, section }, KEYS.vertical, "healthcare");
      add(`${shape.kind} with keys on ${where}`, object, budgetDocument("edge", { healthcare: { quality: 0.18 } }), fresh, "kubernetes");
    }
  }
  const annotated = emptyObject(KUBERNETES_KINDS[0]!, "frontend", "prod");
  place(annotated, { block: "object", section: "labels" }, KEYS.type, "platform");
  place(annotated, { block: "object", section: "annotations" }, KEYS.type, "prompt");
  place(annotated, { block: "template", section: "labels" }, KEYS.vertical, "healthcare");
  place(annotated, { block: "template", section: "annotations" }, KEYS.breakGlass, "incident 42");
  add("annotation beats label, break-glass on the template", annotated, budgetDocument("edge", { healthcare: { quality: 0.18 } }), fresh, "kubernetes");
  const labelledBreakGlass = emptyObject(KUBERNETES_KINDS[6]!, "explorer", undefined);
  place(labelledBreakGlass, { block: "object", section: "labels" }, KEYS.type, "prompt");
  place(labelledBreakGlass, { block: "object", section: "labels" }, KEYS.vertical, "healthcare");
  place(labelledBreakGlass, { block: "object", section: "labels" }, KEYS.breakGlass, "incident 42");
  add("break-glass as a label is ignored", labelledBreakGlass, budgetDocument("edge", { healthcare: { quality: 0.18 } }), fresh, "kubernetes");
  add("object without budgetgate keys", emptyObject(KUBERNETES_KINDS[0]!, "frontend", "prod"), budgetDocument("edge"), fresh, "kubernetes");
  add("object that is not a mapping", "kind: Deployment", budgetDocument("edge"), fresh, "kubernetes");
  return cases;
}

/**
 * Generates the hand-written edge cases followed by random cases, `total` in all, half of the
 * random ones for each entrypoint. The same seed gives the same cases.
 */
export function generateCases(seed: number, total: number): ParityCase[] {
  const random = new Random(seed);
  const cases: ParityCase[] = edgeCases().map((edge, index) => ({ ...edge, id: caseId(index) }));
  while (cases.length < total) {
    const id = caseId(cases.length);
    const { data, computedAt } = randomBudgetData(random, id);
    const entrypoint: Entrypoint = cases.length % 2 === 0 ? "decision" : "kubernetes";
    if (entrypoint === "decision") {
      const input = randomDecisionInput(random, data);
      cases.push({ id, summary: `random decision ${JSON.stringify(input)}`, entrypoint, input, data, computedAt });
    } else {
      const { object, summary } = randomKubernetesObject(random, data);
      cases.push({ id, summary: `random object ${summary}`, entrypoint, input: object, data, computedAt });
    }
  }
  return cases;
}

function caseId(index: number): string {
  return `case_${String(index + 1).padStart(4, "0")}`;
}

/** Returns a copy of the case's data.budgetgate document with computed_at_ns set relative to `nowMs`. */
export function dataDocument(parityCase: ParityCase, nowMs: number): Record<string, unknown> {
  const document = structuredClone(parityCase.data);
  const computedAt = parityCase.computedAt;
  if (computedAt === "absent") {
    return document;
  }
  document.computed_at_ns = "ageSeconds" in computedAt ? (nowMs - computedAt.ageSeconds * 1000) * 1e6 : computedAt.value;
  return document;
}
