import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tar from "tar";
import { POLICY_SOURCE_DIR } from "../policy/artifact.ts";
import type { PolicyData } from "../policy/data.ts";

/** Files of an OPA bundle: Rego sources, data.json and .manifest, by path inside the bundle. */
export type BundleFiles = Map<string, string>;

async function regoFiles(folder: string, prefix: string): Promise<BundleFiles> {
  const files: BundleFiles = new Map();
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    const inside = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      for (const [name, text] of await regoFiles(full, inside)) {
        files.set(name, text);
      }
    } else if (entry.name.endsWith(".rego") && !entry.name.endsWith("_test.rego")) {
      files.set(inside, await readFile(full, "utf8"));
    }
  }
  return files;
}

/**
 * Lists the files of the OPA bundle for `data`: the Rego policy (not Wasm, so any OPA build can
 * load it), data.json with the budgets under data.budgetgate, and a manifest naming the revision.
 */
export async function bundleFiles(data: PolicyData, policyDir: string = POLICY_SOURCE_DIR): Promise<BundleFiles> {
  const files = await regoFiles(policyDir, "/budgetgate");
  files.set("/data.json", `${JSON.stringify({ budgetgate: data })}\n`);
  files.set("/.manifest", `${JSON.stringify({ revision: data.revision, roots: ["budgetgate"] })}\n`);
  return files;
}

/** Packs the bundle as a gzipped tarball with fixed timestamps, so equal content gives equal bytes. */
export async function packBundle(files: BundleFiles): Promise<Buffer> {
  const staging = await mkdtemp(path.join(os.tmpdir(), "budgetgate-bundle-"));
  try {
    const names = [...files.keys()].sort().map((name) => name.replace(/^\//, ""));
    for (const name of names) {
      const target = path.join(staging, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, files.get(`/${name}`) ?? "");
    }
    const archive = tar.create({ gzip: true, cwd: staging, portable: true, mtime: new Date(0), noDirRecurse: true }, names);
    const chunks: Buffer[] = [];
    for await (const chunk of archive) {
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes the bundle tarball to `outFile`, creating its folder. */
export async function writeBundle(files: BundleFiles, outFile: string): Promise<void> {
  const archive = await packBundle(files);
  await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  await writeFile(outFile, archive);
}
