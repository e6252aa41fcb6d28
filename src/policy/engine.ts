import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { loadPolicy, type LoadedPolicy } from "@open-policy-agent/opa-wasm";
import type { z } from "zod";
import { PolicyError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { PolicyData } from "./data.ts";
import { ENTRYPOINTS, decisionSchema, kubernetesDecisionSchema, type Decision, type KubernetesDecision } from "./decision.ts";

export const DEFAULT_WASM_PATH = fileURLToPath(new URL("../../bundles/policy.wasm", import.meta.url));

export interface EngineOptions {
  wasmPath?: string;
  /** Clock behind the policy's time.now_ns, in milliseconds since the epoch. Default Date.now. */
  clock?: () => number;
}

/**
 * The one owner of the opa-wasm SDK. It loads the compiled policy once, supplies the built-ins the
 * policy needs, swaps budget data when the revision changes, and turns the SDK's thrown strings and
 * empty results into PolicyError.
 */
export class PolicyEngine {
  readonly #policy: LoadedPolicy;
  #revision: string | null = null;

  private constructor(policy: LoadedPolicy) {
    this.#policy = policy;
  }

  static async load(options: EngineOptions = {}): Promise<PolicyEngine> {
    const wasmPath = options.wasmPath ?? DEFAULT_WASM_PATH;
    const clock = options.clock ?? Date.now;
    let wasm: Buffer;
    try {
      wasm = await readFile(wasmPath);
    } catch (error) {
      throw new PolicyError(`could not read the policy module ${wasmPath}: ${describeError(error)}; run npm run build:policy`, {
        cause: error,
      });
    }
    try {
      const policy = await loadPolicy(wasm, undefined, {
        // Nanoseconds since the epoch, as OPA's time.now_ns returns them.
        "time.now_ns": () => clock() * 1e6,
      });
      for (const entrypoint of Object.values(ENTRYPOINTS)) {
        if (!(entrypoint in policy.entrypoints)) {
          throw new PolicyError(`the policy module has no entrypoint ${entrypoint}; run npm run build:policy`);
        }
      }
      return new PolicyEngine(policy);
    } catch (error) {
      if (error instanceof PolicyError) {
        throw error;
      }
      throw new PolicyError(`could not load the policy module ${wasmPath}: ${describeError(error)}`, { cause: error });
    }
  }

  /** Revision of the budget data in use, or null before the first setData. */
  get revision(): string | null {
    return this.#revision;
  }

  /** Loads budget data unless the same revision is already loaded. Returns whether it changed. */
  setData(data: PolicyData): boolean {
    if (data.revision === this.#revision) {
      return false;
    }
    try {
      this.#policy.setData({ budgetgate: data });
    } catch (error) {
      throw new PolicyError(`could not load budget data revision ${data.revision}: ${describeError(error)}`, { cause: error });
    }
    const previous = this.#revision;
    this.#revision = data.revision;
    logger.info({ revision: data.revision, previous }, "policy data loaded");
    return true;
  }

  /** Decides on a deploy descriptor: `{deploy: {type, vertical, service}}`. */
  decide(input: unknown): Decision {
    return this.#evaluate(ENTRYPOINTS.decision, input, decisionSchema);
  }

  /** Decides on one Kubernetes object, reading its budgetgate labels and annotations. */
  decideKubernetes(object: unknown): KubernetesDecision {
    return this.#evaluate(ENTRYPOINTS.kubernetes, object, kubernetesDecisionSchema);
  }

  #evaluate<T>(entrypoint: string, input: unknown, schema: z.ZodType<T>): T {
    let results: unknown;
    try {
      results = this.#policy.evaluate(input, entrypoint);
    } catch (error) {
      throw new PolicyError(`policy evaluation of ${entrypoint} failed: ${describeError(error)}`, { cause: error });
    }
    const first = Array.isArray(results) ? (results[0] as { result?: unknown } | undefined) : undefined;
    if (first === undefined || first.result === undefined) {
      throw new PolicyError(`policy entrypoint ${entrypoint} returned no result; the input or the budget data is incomplete`);
    }
    const parsed = schema.safeParse(first.result);
    if (!parsed.success) {
      throw new PolicyError(`policy entrypoint ${entrypoint} returned an unexpected result: ${parsed.error.message}`);
    }
    return parsed.data;
  }
}
