import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { fileURLToPath } from "node:url";

const TOOLS_DIR = fileURLToPath(new URL("../../../tools/bin/", import.meta.url));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs tools/bin/opa or tools/bin/gator to completion and returns a non-zero exit code instead of
 * throwing. A missing binary throws with the command that builds it, so the test fails instead of passing.
 */
export function runPinnedTool(name: "opa" | "gator", args: readonly string[], cwd?: string): Promise<ToolRun> {
  const file = `${TOOLS_DIR}${name}`;
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing or not executable; run \`bash scripts/tools.sh ${name}\` to build the pinned ${name}`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
