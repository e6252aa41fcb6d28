import { InvalidArgumentError, type Command } from "commander";
import { formatScope, parseScope, type KeyScope } from "../../apikeys/keys.ts";
import { createApiKey, labelSchema, listApiKeys, revokeApiKey, type ApiKeyRecord } from "../../apikeys/repository.ts";
import { openMigratedDatabase } from "../context.ts";

function parseScopeOption(raw: string): KeyScope {
  const scope = parseScope(raw.trim());
  if (scope === null) {
    throw new InvalidArgumentError(
      `--scope must be admin or tenant:<id>, where the tenant id has 1 to 128 letters, digits, '.', '_' or '-' (got ${JSON.stringify(raw)})`,
    );
  }
  return scope;
}

function parseLabelOption(raw: string): string {
  const parsed = labelSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  }
  return parsed.data;
}

function parseIdArgument(raw: string): string {
  const id = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(id)) {
    throw new InvalidArgumentError(`<id> must be the 12 hex digits that api-key list shows (got ${JSON.stringify(raw)})`);
  }
  return id;
}

function printKeys(keys: readonly ApiKeyRecord[]): void {
  if (keys.length === 0) {
    console.log("no API keys; create one with budgetgate api-key create --scope admin");
    return;
  }
  const rows = keys.map((key) => [
    key.id,
    formatScope(key.scope),
    key.revokedAt === null ? "active" : "revoked",
    key.createdAt.toISOString(),
    key.revokedAt?.toISOString() ?? "-",
    key.label ?? "",
  ]);
  const header = ["ID", "SCOPE", "STATE", "CREATED", "REVOKED", "LABEL"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
}

export function registerApiKey(program: Command): void {
  const command = program
    .command("api-key")
    .description("create, list and revoke API keys of the budgets API and the /admin/sre page");

  command
    .command("create")
    .description(
      "create an API key and print it on stdout, once: only its SHA-256 digest is stored. " +
        "Scope admin reads every budget and opens /admin/sre; scope tenant:<id> reads only that tenant's budgets",
    )
    .requiredOption("--scope <scope>", "admin or tenant:<tenant id>", parseScopeOption)
    .option("--label <text>", "note kept with the key, such as its owner (1 to 200 characters)", parseLabelOption)
    .action(async (options: { scope: KeyScope; label?: string }) => {
      const { db } = await openMigratedDatabase();
      try {
        const { record, key } = await createApiKey(db, options.scope, options.label ?? null);
        // The key goes alone to stdout so that KEY=$(budgetgate api-key create ...) captures it.
        console.log(key);
        console.error(`created API key ${record.id} with scope ${formatScope(record.scope)}; store it now, because it cannot be shown again`);
      } finally {
        await db.close();
      }
    });

  command
    .command("list")
    .description("list API keys, revoked ones included; keys themselves are never shown")
    .action(async () => {
      const { db } = await openMigratedDatabase();
      try {
        printKeys(await listApiKeys(db));
      } finally {
        await db.close();
      }
    });

  command
    .command("revoke")
    .description("revoke an API key now; requests and admin sessions with it are rejected from then on")
    .argument("<id>", "id of the key, as api-key list shows it", parseIdArgument)
    .action(async (id: string) => {
      const { db } = await openMigratedDatabase();
      try {
        const record = await revokeApiKey(db, id);
        console.log(`revoked API key ${record.id} (scope ${formatScope(record.scope)}) at ${record.revokedAt?.toISOString()}`);
      } finally {
        await db.close();
      }
    });
}
