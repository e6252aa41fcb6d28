import { spawn, type ChildProcess } from "node:child_process";
import { freeLoopbackPort, toolPath } from "./opa.ts";

export interface OpaServer {
  url: string;
  process: ChildProcess;
  /** Everything OPA wrote to stderr and stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `opa run --server` with a configuration file (services, bundles, keys) on a free loopback
 * port, without waiting for it: callers wait for what they need, such as an activated bundle.
 */
export async function startConfiguredOpa(configFile: string): Promise<OpaServer> {
  const binary = toolPath("opa");
  const port = await freeLoopbackPort();
  const child = spawn(binary, ["run", "--server", "--addr", `127.0.0.1:${port}`, "--config-file", configFile, "--log-format", "text"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}
