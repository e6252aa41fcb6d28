import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { TOOLS_DIR } from "../helpers/opa.ts";

export const PROMTOOL = `${TOOLS_DIR}promtool`;

/** Returns the pinned promtool; throws with the build command when it is missing. */
export function requirePromtool(): string {
  try {
    accessSync(PROMTOOL, constants.X_OK);
  } catch {
    throw new Error(`${PROMTOOL} is missing or not executable; build the pinned promtool with: bash scripts/tools.sh promtool`);
  }
  return PROMTOOL;
}

export interface PromtoolResult {
  code: number | null;
  output: string;
}

/** Runs promtool with the given arguments and returns its exit code and combined output. */
export function runPromtool(args: readonly string[]): Promise<PromtoolResult> {
  const binary = requirePromtool();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
