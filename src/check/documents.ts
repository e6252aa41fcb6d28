import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import { describeError } from "../errors.ts";

/** Start of a document in its file. Lines and columns count from 1, and line 0 means no position. */
interface DocumentPosition {
  file: string;
  /** Position of the document in its file, from 0. */
  index: number;
  line: number;
}

/** One document read from a file, or the reason it could not be read. */
export type SourceDocument =
  | (DocumentPosition & {
      content: unknown;
      /** Start line of each entry of `items`, for a `kind: List` document. */
      itemLines?: number[];
    })
  | (DocumentPosition & { column: number | null; error: string });

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

/** Start lines of the `items` entries of a document whose root is a mapping with an `items` sequence. */
function listItemLines(document: Document, lineCounter: LineCounter): number[] | undefined {
  const root = document.contents;
  if (!isMap(root)) {
    return undefined;
  }
  const items = root.get("items", true);
  if (!isSeq(items)) {
    return undefined;
  }
  return items.items.map((item) => {
    const start = (item as { range?: [number, number, number] } | null)?.range?.[0];
    return start === undefined ? 0 : lineCounter.linePos(start).line;
  });
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
    // The root node's start skips a leading `---` marker and comments, so the line names the content.
    const start = document.contents?.range?.[0] ?? document.range[0];
    const line = lineCounter.linePos(start).line;
    const [firstError] = document.errors;
    if (firstError !== undefined) {
      const position = lineCounter.linePos(firstError.pos[0]);
      results.push({
        file,
        index,
        line: position.line,
        column: position.col,
        error: `line ${position.line}, column ${position.col}: ${firstError.message.split("\n")[0]}`,
      });
      return;
    }
    let content: unknown;
    try {
      // The alias limit stops a document whose aliases expand exponentially ("billion laughs").
      content = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      results.push({ file, index, line, column: null, error: `could not convert the document: ${describeError(error)}` });
      return;
    }
    if (content === null || content === undefined) {
      return;
    }
    const itemLines = listItemLines(document, lineCounter);
    results.push(itemLines === undefined ? { file, index, line, content } : { file, index, line, content, itemLines });
  });
  return results;
}

/**
 * Reads and parses one file, or standard input for `-`, which is then named `stdinName`.
 * A file that cannot be read becomes one error entry.
 */
export async function readDocuments(file: string, stdin: () => Promise<string>, stdinName = "stdin"): Promise<SourceDocument[]> {
  const name = file === "-" ? stdinName : file;
  let text: string;
  try {
    text = file === "-" ? await stdin() : await readFile(file, "utf8");
  } catch (error) {
    return [{ file: name, index: 0, line: 0, column: null, error: `could not read the file: ${describeError(error)}` }];
  }
  return parseDocuments(name, text);
}
