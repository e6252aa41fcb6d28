import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, principalOfKeyId } from "../../src/apikeys/authenticate.ts";
import { createApiKey, findApiKey, listApiKeys, revokeApiKey } from "../../src/apikeys/repository.ts";
import { createTestPglite, type TestDatabase } from "../helpers/database.ts";

const ADMIN_TOKEN = "admin-token-for-repository-tests";

describe("API key repository on PGlite", () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestPglite();
  });

  afterAll(async () => {
    await test.drop();
  });

  it("stores digest and never the key", async () => {
    const { record, key } = await createApiKey(test.db, { kind: "tenant", tenantId: "hc-a" }, "reporting job");
    expect(record).toMatchObject({ scope: { kind: "tenant", tenantId: "hc-a" }, label: "reporting job", revokedAt: null });
    const rows = await test.db.query<Record<string, unknown>>("select * from api_keys where id = $1", [record.id]);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0], (_name, value) => (value instanceof Uint8Array ? Buffer.from(value).toString("hex") : value));
    expect(stored).not.toContain(key.slice(17));
    expect(Object.keys(rows[0]!).sort()).toEqual(["created_at", "id", "key_sha256", "label", "revoked_at", "scope"]);
  });

  it("authenticates valid key with its scope", async () => {
    const { record, key } = await createApiKey(test.db, { kind: "admin" });
    expect(await authenticate(test.db, key, undefined)).toEqual({ scope: { kind: "admin" }, keyId: record.id });
  });

  it("rejects wrong secret for existing id", async () => {
    const { record, key } = await createApiKey(test.db, { kind: "admin" });
    const forged = `bgk_${record.id}_${"A".repeat(43)}`;
    expect(forged).not.toBe(key);
    expect(await authenticate(test.db, forged, undefined)).toBeNull();
  });

  it("rejects unknown and malformed keys", async () => {
    expect(await authenticate(test.db, `bgk_000000000000_${"A".repeat(43)}`, undefined)).toBeNull();
    expect(await authenticate(test.db, "not-a-key", undefined)).toBeNull();
    expect(await authenticate(test.db, "", undefined)).toBeNull();
  });

  it("accepts admin token as admin", async () => {
    expect(await authenticate(test.db, ADMIN_TOKEN, ADMIN_TOKEN)).toEqual({ scope: { kind: "admin" }, keyId: null });
    expect(await authenticate(test.db, `${ADMIN_TOKEN}x`, ADMIN_TOKEN)).toBeNull();
    expect(await authenticate(test.db, ADMIN_TOKEN, undefined)).toBeNull();
  });

  it("revokes key for later requests", async () => {
    const { record, key } = await createApiKey(test.db, { kind: "tenant", tenantId: "hc-b" });
    const revoked = await revokeApiKey(test.db, record.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await authenticate(test.db, key, undefined)).toBeNull();
    expect(await principalOfKeyId(test.db, record.id)).toBeNull();
    expect((await findApiKey(test.db, record.id))?.revokedAt).toEqual(revoked.revokedAt);
  });

  it("reports revoking twice and unknown id", async () => {
    const { record } = await createApiKey(test.db, { kind: "admin" });
    await revokeApiKey(test.db, record.id);
    await expect(revokeApiKey(test.db, record.id)).rejects.toThrow(`API key ${record.id} was already revoked at`);
    await expect(revokeApiKey(test.db, "ffffffffffff")).rejects.toThrow('no API key has id "ffffffffffff"');
  });

  it("lists keys oldest first", async () => {
    const keys = await listApiKeys(test.db);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    const times = keys.map((key) => key.createdAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("rejects invalid scope in database", async () => {
    await expect(
      test.db.query("insert into api_keys (id, key_sha256, scope) values ($1, $2, $3)", ["abcdefabcdef", Buffer.alloc(32), "tenant:a b"]),
    ).rejects.toThrow();
  });
});
