import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throwaway CA and a server certificate for localhost and 127.0.0.1 signed by it. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM of the CA, for clients that must trust the server. */
  ca: string;
  remove(): Promise<void>;
}

/**
 * Generates a CA and a server certificate with the openssl CLI into a new temporary folder. The
 * certificates are valid for two days, so a test run never meets an expired one.
 */
export async function createTestCertificates(commonName = "budgetgate-test"): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(tmpdir(), "budgetgate-tls-"));
  const file = (name: string) => path.join(dir, name);
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(["req", "-x509", ...ecKey, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2", "-subj", `/CN=${commonName} CA`]);
  await openssl(["req", ...ecKey, "-keyout", file("tls.key"), "-out", file("tls.csr"), "-subj", `/CN=${commonName}`]);
  await writeFile(file("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await openssl([
    "x509",
    "-req",
    "-in",
    file("tls.csr"),
    "-CA",
    file("ca.crt"),
    "-CAkey",
    file("ca.key"),
    "-CAcreateserial",
    "-out",
    file("tls.crt"),
    "-days",
    "2",
    "-extfile",
    file("san.ext"),
  ]);
  return {
    dir,
    caFile: file("ca.crt"),
    certFile: file("tls.crt"),
    keyFile: file("tls.key"),
    ca: await readFile(file("ca.crt"), "utf8"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new Error("the openssl CLI is missing; the TLS tests generate their certificates with it (apt-get install openssl)", {
        cause: error,
      });
    }
    throw new Error(`openssl ${args[0]} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }
}
