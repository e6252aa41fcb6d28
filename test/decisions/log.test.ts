import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecisionLogWriter } from "../../src/decisions/log.ts";
import { createDecisionRecord, digestInput } from "../../src/decisions/record.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";

describe("DecisionLogWriter", () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestPostgres();
  });

  afterAll(async () => {
    await test.drop();
  });

  it("writes queued records on flush", async () => {
    const writer = new DecisionLogWriter(test.db, { flushIntervalMs: 10_000 });
    const input = { deploy: { type: "prompt", vertical: "healthcare" } };
    const record = createDecisionRecord("api", input, { allow: false, violations: [] }, "rev-1");
    writer.add(record);
    await writer.close();

    const rows = await test.db.query<{ decision_id: string; revision: string; allowed: boolean; input: unknown; input_digest: string }>(
      "select decision_id::text, revision, allowed, input, input_digest from decision_log where decision_id = $1",
      [record.decisionId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revision).toBe("rev-1");
    expect(rows[0]?.allowed).toBe(false);
    expect(rows[0]?.input).toEqual(input);
    expect(rows[0]?.input_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps records when insert fails", async () => {
    await test.db.query("alter table decision_log rename to decision_log_away");
    const writer = new DecisionLogWriter(test.db, { flushIntervalMs: 10_000 });
    const record = createDecisionRecord("check", { deploy: {} }, { allow: true }, null);
    writer.add(record);
    await writer.flush();
    await test.db.query("alter table decision_log_away rename to decision_log");
    await writer.close();

    const rows = await test.db.query("select 1 from decision_log where decision_id = $1", [record.decisionId]);
    expect(rows).toHaveLength(1);
  });

  it("gives equal inputs equal digests", () => {
    const left = createDecisionRecord("api", { a: 1, b: [1, 2] }, { allow: true }, null);
    const right = createDecisionRecord("api", { b: [1, 2], a: 1 }, { allow: true }, null);
    expect(digestInput(left.input)).toBe(digestInput(right.input));
    expect(digestInput({ a: 2 })).not.toBe(digestInput({ a: 1 }));
    expect(left.decisionId).not.toBe(right.decisionId);
  });
});
