import { EventEmitter, once } from "node:events";
import { logger } from "../log.ts";
import type { PolicyData } from "../policy/data.ts";
import { bundleFiles, packBundle } from "./build.ts";
import { signBundle, type BundleSigner } from "./signing.ts";

/** One built bundle: immutable for its revision. */
export interface BuiltBundle {
  revision: string;
  archive: Buffer;
  builtAt: Date;
}

/**
 * The newest OPA bundle, rebuilt when the budget data revision changes. Long-poll requests wait
 * on it for the next revision. When budgets cannot be reloaded, the last built bundle stays.
 */
export class BundleStore {
  readonly #signer: BundleSigner | undefined;
  readonly #changes = new EventEmitter();
  #current: BuiltBundle | null = null;

  constructor(options: { signer?: BundleSigner } = {}) {
    this.#signer = options.signer;
    // Every long-poll request waits on this emitter, so there is no useful listener limit.
    this.#changes.setMaxListeners(0);
  }

  get current(): BuiltBundle | null {
    return this.#current;
  }

  /** Whether bundles are signed. */
  get signed(): boolean {
    return this.#signer !== undefined;
  }

  /** Builds the bundle for `data` unless its revision is already served. Returns whether it changed. */
  async update(data: PolicyData): Promise<boolean> {
    if (this.#current?.revision === data.revision) {
      return false;
    }
    let files = await bundleFiles(data);
    if (this.#signer !== undefined) {
      files = await signBundle(files, this.#signer);
    }
    const archive = await packBundle(files);
    this.#current = { revision: data.revision, archive, builtAt: new Date() };
    logger.info({ revision: data.revision, bytes: archive.length, signed: this.signed }, "bundle built");
    this.#changes.emit("change", this.#current);
    return true;
  }

  /**
   * Resolves with the next bundle whose revision differs from `revision`, or with null when
   * `timeoutMs` passes or `signal` aborts first.
   */
  async waitForChange(revision: string, timeoutMs: number, signal: AbortSignal): Promise<BuiltBundle | null> {
    if (this.#current !== null && this.#current.revision !== revision) {
      return this.#current;
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const [bundle] = (await once(this.#changes, "change", { signal: AbortSignal.any([timeout, signal]) })) as [BuiltBundle];
      return bundle;
    } catch (error) {
      if ((error as Error).name === "AbortError") {
        return null;
      }
      throw error;
    }
  }
}
