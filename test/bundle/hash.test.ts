import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateKeyPairSync } from "node:crypto";
import { decodeJwt } from "jose";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFileHash } from "../../src/bundle/hash.ts";
import { toolPath } from "../helpers/opa.ts";

const run = promisify(execFile);

/** Files whose hashes OPA computes when it signs a bundle; JSON written with odd spacing and key order. */
const FILES: Record<string, string> = {
  "data.json": '{"budgetgate": {"b": {"z": [1, 2.5, -0.125, 100000000000000000000], "a": "line\\nbreak \\u2028 \\"q\\""},\n "a": null, "c": true}}',
  ".manifest": '{"roots": ["budgetgate"], "revision": "r1"}',
  "budgetgate/policy.rego": "package budgetgate\n\nallow := true\n",
};

describe("bundleFileHash", () => {
  let folder: string;
  let opaHashes: Map<string, string>;
  let builtFiles: Map<string, string>;

  beforeAll(async () => {
    const opa = toolPath("opa");
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-hash-"));
    const source = path.join(folder, "src");
    for (const [name, content] of Object.entries(FILES)) {
      await mkdir(path.dirname(path.join(source, name)), { recursive: true });
      await writeFile(path.join(source, name), content);
    }
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyFile = path.join(folder, "key.pem");
    await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
    const out = path.join(folder, "bundle.tar.gz");
    await run(opa, ["build", "--bundle", source, "--signing-key", keyFile, "--signing-alg", "RS256", "-o", out]);

    // opa build rewrites the files it signs, so hash the files as they stand in its bundle.
    const built = path.join(folder, "built");
    await mkdir(built);
    await tar.x({ file: out, cwd: built });
    const signatures = JSON.parse(await readFile(path.join(built, ".signatures.json"), "utf8")) as { signatures: string[] };
    const payload = decodeJwt(signatures.signatures[0]!) as unknown as { files: { name: string; hash: string }[] };
    opaHashes = new Map(payload.files.map((file) => [file.name.replace(/^\//, ""), file.hash]));
    builtFiles = new Map();
    for (const name of opaHashes.keys()) {
      builtFiles.set(name, await readFile(path.join(built, name), "utf8"));
    }
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("signs every file", () => {
    expect([...opaHashes.keys()].sort()).toEqual(expect.arrayContaining([".manifest", "data.json"]));
    expect([...opaHashes.keys()].some((name) => name.endsWith("policy.rego"))).toBe(true);
  });

  it("matches opa build for every file", () => {
    for (const [name, content] of builtFiles) {
      expect(bundleFileHash(`/${name}`, content), name).toBe(opaHashes.get(name));
    }
  });

  it("ignores JSON whitespace and key order", () => {
    const compact = JSON.stringify(JSON.parse(FILES["data.json"]!));
    expect(bundleFileHash("/data.json", compact)).toBe(bundleFileHash("/data.json", FILES["data.json"]!));
    expect(bundleFileHash("/data.json", compact)).toBe(opaHashes.get("data.json"));
  });
});
