import { readFile } from "node:fs/promises";
import { CompactSign, importPKCS8, type CryptoKey, type KeyObject } from "jose";
import { ConfigError, describeError } from "../errors.ts";
import type { BundleFiles } from "./build.ts";
import { bundleFileHash } from "./hash.ts";

export const SIGNATURES_FILE = "/.signatures.json";

/** Algorithms OPA verifies with a PEM key; RS256 is OPA's default. */
export const SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A loaded private key and how to name it in the signature. */
export interface BundleSigner {
  key: CryptoKey | KeyObject;
  keyId: string;
  algorithm: SigningAlgorithm;
  /** Optional scope; OPA compares it with the scope in its signing configuration. */
  scope?: string;
}

/** Reads a PKCS#8 PEM private key for bundle signatures. */
export async function loadBundleSigner(
  keyFile: string,
  keyId: string,
  algorithm: SigningAlgorithm = "RS256",
  scope?: string,
): Promise<BundleSigner> {
  let pem: string;
  try {
    pem = await readFile(keyFile, "utf8");
  } catch (error) {
    throw new ConfigError(`could not read the bundle signing key ${keyFile}: ${describeError(error)}`, { cause: error });
  }
  try {
    const key = await importPKCS8(pem, algorithm);
    return { key, keyId, algorithm, ...(scope === undefined ? {} : { scope }) };
  } catch (error) {
    throw new ConfigError(
      `the bundle signing key ${keyFile} is not a PKCS#8 PEM private key for ${algorithm}: ${describeError(error)}; convert it with openssl pkcs8 -topk8 -nocrypt`,
      { cause: error },
    );
  }
}

/**
 * Adds `.signatures.json` to the bundle: a JWS over the SHA-256 of every other file, named
 * without the leading slash, as OPA's bundle verification expects.
 */
export async function signBundle(files: BundleFiles, signer: BundleSigner): Promise<BundleFiles> {
  const listed = [...files.entries()]
    .filter(([name]) => name !== SIGNATURES_FILE)
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([name, content]) => ({
      name: name.replace(/^\//, ""),
      hash: bundleFileHash(name, content),
      algorithm: "SHA-256",
    }));
  const payload = {
    files: listed,
    iat: Math.floor(Date.now() / 1000),
    iss: "budgetgate",
    ...(signer.scope === undefined ? {} : { scope: signer.scope }),
  };
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: signer.algorithm, kid: signer.keyId })
    .sign(signer.key);
  const signed: BundleFiles = new Map(files);
  signed.set(SIGNATURES_FILE, `${JSON.stringify({ signatures: [token] })}\n`);
  return signed;
}
