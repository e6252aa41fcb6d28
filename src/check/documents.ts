import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { describeError } from "../errors.ts";

/** One document read from a file, or the reason it could not be read. */
export type SourceDocument =
  | { file: string; index: number; line: number; content: unknown }
  | { file: string; index: number; line: number; error: string };

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Expands folders into the YAML and JSON files inside them, sorted; `-` stays for standard input. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    if (given === "-") {
      files.push(given);
      continue;
    }
    const info = await stat(given).catch(() => null);
    if (info?.isDirectory()) {
      const entries = await readdir(given, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((entry) => entry.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name)))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort();
      files.push(...found);
    } else {
      files.push(given);
    }
  }
  return files;
}

/**
 * Parses every YAML or JSON document of a text. A malformed document becomes an entry with its
 * line, column and the parser's message; the documents around it are still returned.
 */
export function parseDocuments(file: string, text: string): SourceDocument[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const results: SourceDocument[] = [];
  list.forEach((document, index) => {
    const start = document.range[0];
    const line = lineCounter.linePos(start).line;
    const [firstError] = document.errors;
    if (firstError !== undefined) {
      const position = lineCounter.linePos(firstError.pos[0]);
      results.push({
        file,
        index,
        line: position.line,
        error: `line ${position.line}, column ${position.col}: ${firstError.message.split("\n")[0]}`,
      });
      return;
    }
    const content: unknown = document.toJS({ maxAliasCount: 100 });
    if (content === null || content === undefined) {
      return;
    }
    results.push({ file, index, line, content });
  });
  return results;
}

/** Reads and parses one file (or standard input for `-`). A missing file becomes one error entry. */
export async function readDocuments(file: string, stdin: () => Promise<string>): Promise<SourceDocument[]> {
  let text: string;
  try {
    text = file === "-" ? await stdin() : await readFile(file, "utf8");
  } catch (error) {
    return [{ file, index: 0, line: 0, error: `could not read the file: ${describeError(error)}` }];
  }
  return parseDocuments(file === "-" ? "stdin" : file, text);
}
