import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandPaths, parseDocuments, readDocuments, type SourceDocument } from "../../src/check/documents.ts";

function contentOf(document: SourceDocument | undefined): unknown {
  if (document === undefined || "error" in document) {
    throw new Error(`expected a parsed document, got ${JSON.stringify(document)}`);
  }
  return document.content;
}

describe("check documents", () => {
  describe("#parseDocuments", () => {
    it("numbers documents after markers", () => {
      const documents = parseDocuments("a.yaml", "# header\nkind: A\n---\n# comment\nkind: B\n");
      expect(documents.map((document) => [document.index, document.line])).toEqual([
        [0, 2],
        [1, 5],
      ]);
    });

    it("skips empty documents", () => {
      const documents = parseDocuments("a.yaml", "---\n---\nkind: A\n");
      expect(documents).toHaveLength(1);
      expect(contentOf(documents[0])).toEqual({ kind: "A" });
    });

    it("records List item lines", () => {
      const text = "kind: List\nitems:\n  - kind: A\n    name: a\n  - kind: B\n";
      const [document] = parseDocuments("list.yaml", text);
      expect(document).toMatchObject({ line: 1, itemLines: [3, 5] });
    });

    it("records JSON List item lines", () => {
      const text = JSON.stringify({ kind: "List", items: [{ kind: "A" }, { kind: "B" }] }, null, 2);
      const [document] = parseDocuments("list.json", text);
      expect(document).toMatchObject({ itemLines: [4, 7] });
    });

    it("reports error position", () => {
      const documents = parseDocuments("bad.yaml", "kind: A\n---\nmetadata:\n  name: [open\n  x: 1\n---\nkind: C\n");
      expect(documents).toHaveLength(3);
      const broken = documents[1]!;
      expect("error" in broken).toBe(true);
      expect(broken).toMatchObject({ file: "bad.yaml", index: 1, line: 5, column: 3 });
      expect(contentOf(documents[2])).toEqual({ kind: "C" });
    });

    it("rejects alias bombs", () => {
      const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
      for (let level = 1; level < 8; level += 1) {
        const previous = String.fromCharCode(96 + level);
        const name = String.fromCharCode(97 + level);
        levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
      }
      const [document] = parseDocuments("bomb.yaml", levels.join("\n"));
      expect(document).toMatchObject({ line: 1, column: null });
      expect((document as { error: string }).error).toMatch(/^could not convert the document: /);
    });
  });

  describe("#readDocuments", () => {
    it("names standard input", async () => {
      const documents = await readDocuments("-", async () => "kind: A\n", "prod.yaml");
      expect(documents).toEqual([{ file: "prod.yaml", index: 0, line: 1, content: { kind: "A" } }]);
    });

    it("reports missing files", async () => {
      const [document] = await readDocuments("/nonexistent/budgetgate.yaml", async () => "");
      expect(document).toMatchObject({ file: "/nonexistent/budgetgate.yaml", line: 0, column: null });
      expect((document as { error: string }).error).toMatch(/^could not read the file: ENOENT/);
    });
  });

  describe("#expandPaths", () => {
    let folder: string;

    beforeAll(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-expand-"));
      await mkdir(path.join(folder, "nested", "deeper"), { recursive: true });
      await writeFile(path.join(folder, "b.yaml"), "");
      await writeFile(path.join(folder, "a.json"), "");
      await writeFile(path.join(folder, "notes.txt"), "");
      await writeFile(path.join(folder, "nested", "deeper", "c.yml"), "");
    });

    afterAll(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it("finds manifests recursively", async () => {
      const files = await expandPaths([folder]);
      expect(files.map((file) => path.relative(folder, file))).toEqual(["a.json", "b.yaml", path.join("nested", "deeper", "c.yml")]);
    });

    it("keeps stdin and files", async () => {
      expect(await expandPaths(["-", "missing.yaml"])).toEqual(["-", "missing.yaml"]);
    });
  });
});
