import { spawn, type ChildProcess } from "node:child_process";
import { access } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const OPA_BINARY = fileURLToPath(new URL("../../tools/bin/opa", import.meta.url));

/** Fails with a clear message when the pinned opa binary has not been built. */
export async function requireOpa(): Promise<string> {
  try {
    await access(OPA_BINARY);
  } catch {
    throw new Error(`${OPA_BINARY} is missing; run npm run tools to build the pinned opa`);
  }
  return OPA_BINARY;
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OpaServer {
  url: string;
  process: ChildProcess;
  /** Everything OPA wrote to stderr and stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `opa run --server` with a configuration file on a free loopback port. */
export async function startOpaServer(configFile: string): Promise<OpaServer> {
  const binary = await requireOpa();
  const port = await freePort();
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
