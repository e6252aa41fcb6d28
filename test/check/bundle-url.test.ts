import { readFile, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadSnapshot, redactUrl } from "../../src/check/snapshot.ts";
import { runCli } from "../helpers/cli.ts";
import { NOW, mixedPolicyData, writeManifests, writeSnapshots, type ManifestName } from "./support.ts";

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("check --bundle URL", () => {
  let folder: string;
  let manifests: Record<ManifestName, string>;
  let server: Server;
  let baseUrl: string;
  /** Authorization headers of the requests for /private/bundle.tar.gz. */
  const authorizations: (string | undefined)[] = [];
  /** Responses left waiting by /slow, ended in afterAll. */
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-check-url-"));
    const { bundle, dataJson } = await writeSnapshots(folder);
    manifests = await writeManifests(folder);
    const files: Record<string, Buffer> = {
      "/bundle.tar.gz": await readFile(bundle),
      "/data.json": await readFile(dataJson),
      "/not-a-snapshot.json": Buffer.from(JSON.stringify({ hello: "world" })),
    };
    server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      if (url.pathname === "/slow") {
        stalled.push(response);
        return;
      }
      if (url.pathname === "/moved") {
        response.writeHead(302, { location: "/bundle.tar.gz" }).end();
        return;
      }
      if (url.pathname === "/private/bundle.tar.gz") {
        authorizations.push(request.headers.authorization);
        if (request.headers.authorization === undefined) {
          response.writeHead(401, { "www-authenticate": 'Basic realm="bundles"' }).end();
          return;
        }
      }
      const body = files[url.pathname.replace(/^\/private/, "")];
      if (body === undefined) {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      response.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
    });
    baseUrl = await listen(server);
  });

  afterAll(async () => {
    for (const response of stalled) {
      response.destroy();
    }
    await close(server);
    await rm(folder, { recursive: true, force: true });
  });

  describe("when the server has the bundle", () => {
    it.each(["/bundle.tar.gz", "/data.json", "/moved"])("checks against %s", async (route) => {
      const result = await runCli(["check", "--bundle", `${baseUrl}${route}`, "--now", NOW, manifests["fail.yaml"], manifests["warn.yaml"]]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^FAIL  \S+fail\.yaml:1 Deployment\/frontend \(prompt deploy, healthcare\): quality budget of healthcare has 18\.0% remaining/m);
      expect(result.stdout).toMatch(/^WARN  \S+warn\.yaml:1 Deployment\/assistant /m);
      expect(result.stdout).toContain(`(budgets revision ${mixedPolicyData().revision})`);
    });
  });

  describe("when the download fails", () => {
    it("names URL and status", async () => {
      const result = await runCli(["check", "--bundle", `${baseUrl}/missing.tar.gz`, "--now", NOW, manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`could not download the budget snapshot ${baseUrl}/missing.tar.gz: the server returned HTTP 404 Not Found`);
      expect(result.stdout).toBe("");
    });

    it("reports unreachable servers", async () => {
      const closed = createServer();
      const closedUrl = await listen(closed);
      await close(closed);
      const result = await runCli(["check", "--bundle", `${closedUrl}/bundle.tar.gz`, "--now", NOW, manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`could not download the budget snapshot ${closedUrl}/bundle.tar.gz: fetch failed`);
      expect(result.stderr).toContain("ECONNREFUSED");
    });

    it("times out", async () => {
      const result = await runCli(["check", "--bundle", `${baseUrl}/slow`, "--bundle-timeout", "0.5", "--now", NOW, manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`could not download the budget snapshot ${baseUrl}/slow: timed out after 0.5 s`);
    });

    it("rejects non-snapshots", async () => {
      const result = await runCli(["check", "--bundle", `${baseUrl}/not-a-snapshot.json`, "--now", NOW, manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${baseUrl}/not-a-snapshot.json is not a budgetgate budget snapshot`);
    });

    it("rejects other schemes", async () => {
      const result = await runCli(["check", "--bundle", "s3://bucket/bundle.tar.gz", manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--bundle s3://bucket/bundle.tar.gz uses an unsupported URL scheme");
    });
  });

  describe("#downloadSnapshot", () => {
    it("hides credentials in errors", async () => {
      const url = new URL(`${baseUrl}/missing?token=secret`);
      url.username = "user";
      url.password = "hunter2";
      const failure = downloadSnapshot(url.href, 5_000);
      await expect(failure).rejects.toThrow(`could not download the budget snapshot ${baseUrl}/missing?…: the server returned HTTP 404`);
      await expect(failure).rejects.not.toThrow(/hunter2|secret/);
    });

    it("sends user info as Basic auth", async () => {
      const url = new URL(`${baseUrl}/private/bundle.tar.gz`);
      url.username = "gate";
      url.password = "p@ss:word";
      const data = await downloadSnapshot(url.href, 5_000);
      expect(data.revision).toBe(mixedPolicyData().revision);
      expect(authorizations.at(-1)).toBe(`Basic ${Buffer.from("gate:p@ss:word").toString("base64")}`);
    });

    it("names 401 without user info", async () => {
      await expect(downloadSnapshot(`${baseUrl}/private/bundle.tar.gz`, 5_000)).rejects.toThrow("the server returned HTTP 401 Unauthorized");
    });

    it("parses a bundle", async () => {
      const data = await downloadSnapshot(`${baseUrl}/bundle.tar.gz`, 5_000);
      expect(data).toEqual(mixedPolicyData());
    });
  });

  describe("#redactUrl", () => {
    it("keeps plain URLs", () => {
      expect(redactUrl("https://budgets.example/b.tar.gz")).toBe("https://budgets.example/b.tar.gz");
    });

    it("drops user info and query", () => {
      expect(redactUrl("https://u:p@budgets.example/b.tar.gz?sig=1#x")).toBe("https://budgets.example/b.tar.gz?…");
    });
  });
});
