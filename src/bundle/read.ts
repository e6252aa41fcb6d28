import { readFile } from "node:fs/promises";
import * as tar from "tar";
import { z } from "zod";
import { InputError, describeError } from "../errors.ts";
import type { PolicyData } from "../policy/data.ts";

const fraction = z.number();

const policyDataSchema = z.object({
  revision: z.string(),
  computed_at_ns: z.number(),
  config: z.object({
    deploy_types: z.record(z.string(), z.object({ budgets: z.array(z.string()), fail_open: z.boolean() })),
    thresholds: z.object({ block: fraction, escalate: fraction, warn: fraction }),
    stale_after_seconds: z.number(),
    no_data: z.enum(["deny", "allow"]),
  }),
  verticals: z.record(
    z.string(),
    z.object({
      budgets: z.record(
        z.string(),
        z.object({
          target: z.number(),
          budget: z.number(),
          sli: z.number().nullable(),
          burn: z.number().nullable(),
          burn_rate: z.number().nullable(),
          remaining: z.number().nullable(),
          eligible: z.number(),
          good: z.number(),
          status: z.enum(["ok", "no_data"]),
          burn_rates: z.record(z.string(), z.number().nullable()).default({}),
          alert: z.enum(["page", "ticket", "none"]).default("none"),
          recovers_at_ns: z.number().nullable().default(null),
        }),
      ),
    }),
  ),
});

/** Validates a parsed data.json: `{"budgetgate": {...}}`. */
export function parsePolicyData(document: unknown, source: string): PolicyData {
  const parsed = z.object({ budgetgate: policyDataSchema }).safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join(".") : "";
    throw new InputError(
      `${source} is not a budgetgate budget snapshot: ${where ? `${where}: ` : ""}${issue?.message ?? "invalid"}; export one with budgetgate bundle`,
    );
  }
  return parsed.data.budgetgate;
}

async function dataJsonFromTarball(buffer: Buffer, source: string): Promise<string> {
  let text: string | undefined;
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      const name = entry.path.replace(/^\.?\//, "");
      if (name !== "data.json") {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => {
        text = Buffer.concat(chunks).toString("utf8");
      });
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on("error", reject);
      parser.on("end", resolve);
      parser.end(buffer);
    });
  } catch (error) {
    throw new InputError(`${source} is not a valid bundle tarball: ${describeError(error)}`, { cause: error });
  }
  if (text === undefined) {
    throw new InputError(`${source} has no data.json; export the bundle with budgetgate bundle`);
  }
  return text;
}

/** Parses the bytes of a bundle tarball (gzip) or of a data.json document. */
export async function parseSnapshotBytes(buffer: Buffer, source: string): Promise<PolicyData> {
  const isGzip = buffer.length > 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  const text = isGzip ? await dataJsonFromTarball(buffer, source) : buffer.toString("utf8");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the budget snapshot ${source} is not valid JSON: ${describeError(error)}`, { cause: error });
  }
  return parsePolicyData(document, source);
}

/** Reads budget data from a bundle tarball (.tar.gz) or a data.json file. */
export async function readPolicyDataFile(file: string): Promise<PolicyData> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new InputError(`could not read the budget snapshot ${file}: ${describeError(error)}`, { cause: error });
  }
  return parseSnapshotBytes(buffer, file);
}
