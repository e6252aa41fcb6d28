/**
 * Compiles the Rego policy under policy/budgetgate to bundles/policy.wasm with the pinned opa, and
 * writes bundles/policy.json, which records the OPA version, the entrypoints and the digests of the
 * Rego sources and of the Wasm module.
 *
 * Usage:
 *   tsx scripts/build-policy.ts           format check, strict check, Wasm build
 *   tsx scripts/build-policy.ts --check   builds nothing; exits 1 when bundles/ is stale
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, realpathSync } from "node:fs";
import { access, constants, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as tar from "tar";

const execFileAsync = promisify(execFile);

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OPA = path.join(ROOT, "tools", "bin", "opa");
const POLICY_DIR = path.join(ROOT, "policy");
/** Folder compiled to Wasm: both entrypoints and their libraries. policy/main, the conftest adapter, is left out. */
const SOURCE_DIR = path.join(POLICY_DIR, "budgetgate");
const WASM_PATH = path.join(ROOT, "bundles", "policy.wasm");
const RECORD_PATH = path.join(ROOT, "bundles", "policy.json");
const SDK_CAPABILITIES = path.join(ROOT, "node_modules", "@open-policy-agent", "opa-wasm", "capabilities.json");
const REBUILD_ADVICE = "run npm run build:policy and commit bundles/";

/** Contents of bundles/policy.json. */
export interface PolicyBuildRecord {
  opa_version: string;
  rego_sha256: string;
  entrypoints: string[];
  wasm_sha256: string;
}

/** A build or freshness check failed. The message names the step and how to fix it. */
export class PolicyBuildError extends Error {
  override name = "PolicyBuildError";
}

/**
 * Computes the sha256 digest, in hex, of the non-test .rego files under `sourceDir`.
 *
 * Files are taken in order of their path relative to `sourceDir` (with "/" separators). For each
 * file the hash reads the relative path, a NUL byte, the size in bytes as a decimal number, a NUL
 * byte and the file's bytes, so renaming or moving a file changes the digest too.
 */
export function regoSourceDigest(sourceDir: string): string {
  const hash = createHash("sha256");
  for (const relativePath of listRegoSources(sourceDir)) {
    const content = readFileSync(path.join(sourceDir, relativePath));
    hash.update(`${relativePath}\0${content.byteLength}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** Lists the .rego files under `sourceDir` except *_test.rego, as sorted "/"-separated relative paths. */
function listRegoSources(sourceDir: string, prefix = ""): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(path.join(sourceDir, prefix), { withFileTypes: true })) {
    const relativePath = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      paths.push(...listRegoSources(sourceDir, relativePath));
    } else if (entry.isFile() && entry.name.endsWith(".rego") && !entry.name.endsWith("_test.rego")) {
      paths.push(relativePath);
    }
  }
  return paths.sort();
}

function sha256(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Returns the capabilities that the Wasm build targets: the built-ins that the opa-wasm SDK
 * implements, time.now_ns (which the TypeScript host supplies as a custom built-in) and the
 * rego_v1 feature, which opa 1.22 requires in custom capabilities to parse Rego v1.
 */
export function wasmCapabilities(sdkCapabilities: { builtins: unknown[]; features?: string[] }): object {
  return {
    ...sdkCapabilities,
    builtins: [
      ...sdkCapabilities.builtins,
      { name: "time.now_ns", decl: { type: "function", result: { type: "number" } }, nondeterministic: true },
    ],
    features: [...new Set([...(sdkCapabilities.features ?? []), "rego_v1"])],
  };
}

/** Runs opa with `args` and returns its stdout. On a non-zero exit it throws `failure` with the command and opa's output. */
async function runOpa(args: string[], failure: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(OPA, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    const output = `${stdout}${stderr}`.trim() || String(error);
    throw new PolicyBuildError(`${failure}\n$ tools/bin/opa ${args.join(" ")}\n${output}`, { cause: error });
  }
}

async function requireOpa(): Promise<void> {
  try {
    await access(OPA, constants.X_OK);
  } catch (error) {
    throw new PolicyBuildError(`${OPA} is missing or not executable; run npm run tools to build the pinned opa`, { cause: error });
  }
}

async function readOpaVersion(): Promise<string> {
  const output = await runOpa(["version"], "opa version failed");
  const match = /^Version:\s*(\S+)/m.exec(output);
  if (match?.[1] === undefined) {
    throw new PolicyBuildError(`could not find the version in the output of opa version:\n${output}`);
  }
  return match[1];
}

/** Reads the Wasm entrypoints from a bundle's .manifest, sorted. */
function manifestEntrypoints(manifestText: string): string[] {
  const manifest = JSON.parse(manifestText) as { wasm?: Array<{ entrypoint?: unknown }> };
  const entrypoints = (manifest.wasm ?? []).map((module) => module.entrypoint).filter((name) => typeof name === "string");
  if (entrypoints.length === 0) {
    throw new PolicyBuildError("the bundle .manifest lists no Wasm entrypoints; mark each entrypoint rule with `entrypoint: true` in its METADATA");
  }
  return entrypoints.sort();
}

/** Checks, compiles and writes bundles/policy.wasm and bundles/policy.json. */
export async function buildPolicy(): Promise<PolicyBuildRecord> {
  await requireOpa();
  const workDir = await mkdtemp(path.join(tmpdir(), "budgetgate-policy-"));
  try {
    await runOpa(["fmt", "--list", "--fail", "policy"], "Rego files are not formatted; run tools/bin/opa fmt -w policy");

    const sdkCapabilities = JSON.parse(await readFile(SDK_CAPABILITIES, "utf8")) as { builtins: unknown[]; features?: string[] };
    const capabilitiesPath = path.join(workDir, "capabilities.json");
    await writeFile(capabilitiesPath, `${JSON.stringify(wasmCapabilities(sdkCapabilities), null, 2)}\n`);

    await runOpa(["check", "--strict", "--capabilities", capabilitiesPath, "policy"], "opa check --strict failed");

    const bundlePath = path.join(workDir, "bundle.tar.gz");
    const sourceArgument = path.relative(ROOT, SOURCE_DIR);
    await runOpa(
      ["build", "-t", "wasm", "--capabilities", capabilitiesPath, "--ignore", "*_test.rego", "-o", bundlePath, sourceArgument],
      "opa build -t wasm failed",
    );

    // The bundle stores /policy.wasm and /.manifest, and tar strips the leading slash when it extracts them.
    const extractDir = path.join(workDir, "bundle");
    await mkdir(extractDir);
    await tar.x({ file: bundlePath, cwd: extractDir, filter: (entryPath) => ["policy.wasm", ".manifest"].includes(entryPath.replace(/^\/+/, "")) });
    const wasmFile = path.join(extractDir, "policy.wasm");
    if (!existsSync(wasmFile)) {
      throw new PolicyBuildError(`the bundle built by opa has no /policy.wasm: ${bundlePath}`);
    }
    const wasm = await readFile(wasmFile);

    const record: PolicyBuildRecord = {
      opa_version: await readOpaVersion(),
      rego_sha256: regoSourceDigest(SOURCE_DIR),
      entrypoints: manifestEntrypoints(await readFile(path.join(extractDir, ".manifest"), "utf8")),
      wasm_sha256: sha256(wasm),
    };
    await mkdir(path.dirname(WASM_PATH), { recursive: true });
    await writeFile(WASM_PATH, wasm);
    await writeFile(RECORD_PATH, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Throws unless bundles/policy.json matches the Rego sources and bundles/policy.wasm. Builds nothing. */
export async function checkPolicyBuild(): Promise<PolicyBuildRecord> {
  let record: PolicyBuildRecord;
  try {
    record = JSON.parse(await readFile(RECORD_PATH, "utf8")) as PolicyBuildRecord;
  } catch (error) {
    throw new PolicyBuildError(`could not read ${path.relative(ROOT, RECORD_PATH)}: ${(error as Error).message}; ${REBUILD_ADVICE}`, { cause: error });
  }

  const regoDigest = regoSourceDigest(SOURCE_DIR);
  if (record.rego_sha256 !== regoDigest) {
    throw new PolicyBuildError(
      `bundles/policy.wasm is stale: the Rego sources changed since it was built (rego_sha256 ${record.rego_sha256} in bundles/policy.json, ${regoDigest} now); ${REBUILD_ADVICE}`,
    );
  }

  let wasm: Buffer;
  try {
    wasm = await readFile(WASM_PATH);
  } catch (error) {
    throw new PolicyBuildError(`could not read ${path.relative(ROOT, WASM_PATH)}: ${(error as Error).message}; ${REBUILD_ADVICE}`, { cause: error });
  }
  const wasmDigest = sha256(wasm);
  if (record.wasm_sha256 !== wasmDigest) {
    throw new PolicyBuildError(
      `bundles/policy.wasm does not match bundles/policy.json (wasm_sha256 ${record.wasm_sha256} recorded, ${wasmDigest} on disk); ${REBUILD_ADVICE}`,
    );
  }
  return record;
}

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((argument) => argument !== "--check");
  if (unknown.length > 0) {
    throw new PolicyBuildError(`unknown argument ${unknown.join(" ")}; usage: tsx scripts/build-policy.ts [--check]`);
  }
  if (argv.includes("--check")) {
    const record = await checkPolicyBuild();
    console.log(`bundles/policy.wasm is up to date (rego_sha256 ${record.rego_sha256})`);
    return;
  }
  const record = await buildPolicy();
  console.log(`wrote bundles/policy.wasm (opa ${record.opa_version}, entrypoints ${record.entrypoints.join(", ")}) and bundles/policy.json`);
}

/** Returns whether node was started with this file as its script, rather than importing it. */
function isMainModule(): boolean {
  const script = process.argv[1];
  if (script === undefined) {
    return false;
  }
  try {
    return realpathSync(path.resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Importing this module (to reuse regoSourceDigest) must not run the command line.
if (isMainModule()) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`build-policy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
