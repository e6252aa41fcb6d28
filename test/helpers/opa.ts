import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** Folder of the pinned policy tools that `npm run tools` (scripts/tools.sh) builds. */
export const TOOLS_DIR = fileURLToPath(new URL("../../tools/bin/", import.meta.url));
/** The Rego sources: policy/budgetgate (both entrypoints) and policy/main (the conftest adapter). */
export const POLICY_ROOT = fileURLToPath(new URL("../../policy/", import.meta.url));
export const POLICY_BUDGETGATE_DIR = fileURLToPath(new URL("../../policy/budgetgate/", import.meta.url));

export type ToolName = "opa" | "conftest";

/**
 * Returns the path of a pinned tool in tools/bin. Throws when it is missing or not executable, with
 * the command that builds it, so a test that needs the binary fails instead of passing silently.
 */
export function toolPath(name: ToolName): string {
  const file = `${TOOLS_DIR}${name}`;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing or not executable; run \`npm run tools\` to build the pinned ${name}`);
  }
  return file;
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a pinned tool to completion and collects its output. A non-zero exit code is returned, not thrown. */
export function runTool(name: ToolName, args: readonly string[], options: { cwd?: string } = {}): Promise<ToolResult> {
  const file = toolPath(name);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
  });
}

/**
 * Runs `opa eval --format json` and returns the value of the query's only expression, or undefined
 * when the query is undefined. Throws with opa's output when opa fails or prints errors.
 * `--ignore *_test.rego` leaves the Rego unit tests out, as bundles do.
 */
export async function opaEvalValue(query: string, loadPaths: readonly string[]): Promise<unknown> {
  const args = ["eval", "--format", "json", "--ignore", "*_test.rego"];
  for (const loadPath of loadPaths) {
    args.push("--data", loadPath);
  }
  args.push(query);
  const result = await runTool("opa", args);
  let output: { result?: { expressions: { value: unknown }[] }[]; errors?: unknown[] };
  try {
    output = JSON.parse(result.stdout);
  } catch {
    throw new Error(`opa eval exited with code ${result.code} and printed no JSON: ${result.stderr || result.stdout}`);
  }
  if (result.code !== 0 || output.errors !== undefined) {
    throw new Error(`opa eval failed with code ${result.code}: ${JSON.stringify(output.errors ?? output)} ${result.stderr}`);
  }
  return output.result?.[0]?.expressions[0]?.value;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and closing the listener. */
export function freeLoopbackPort(): Promise<number> {
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

export interface RunningOpaServer {
  baseUrl: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `opa run --server` on a free loopback port, loaded with the given Rego folders and data
 * files, and waits until GET /health returns 200. Decision logging stays off (OPA's default), and
 * the server logs at error level only. `env` adds environment variables, such as GOMAXPROCS.
 */
export async function startOpaServer(
  loadPaths: readonly string[],
  options: { startTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunningOpaServer> {
  const file = toolPath("opa");
  const port = await freeLoopbackPort();
  const args = ["run", "--server", "--addr", `127.0.0.1:${port}`, "--log-level", "error", "--ignore", "*_test.rego", ...loadPaths];
  const child = spawn(file, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`opa run --server exited with code ${child.exitCode} before it was ready: ${stderr}`);
    }
    const healthy = await fetch(`${baseUrl}/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`opa run --server did not return 200 for GET ${baseUrl}/health within ${options.startTimeoutMs ?? 15_000} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
