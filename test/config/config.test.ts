import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { ConfigError } from "../../src/errors.ts";

describe("loadConfig", () => {
  it("fills documented defaults", () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(8080);
    expect(config.host).toBe("127.0.0.1");
    expect(config.thresholds).toEqual({ block: 0.25, escalate: 0.1, warn: 0.5 });
    expect(config.staleAfterSeconds).toBe(900);
    expect(config.computeSchedule).toBe("* * * * *");
    expect(config.failOpenDeployTypes).toEqual([]);
    expect(config.noData).toBe("deny");
  });

  it("parses fail-open deploy types", () => {
    expect(loadConfig({ BUDGETGATE_FAIL_OPEN: "platform, finance" }).failOpenDeployTypes).toEqual(["platform", "finance"]);
  });

  it.each([
    { name: "BUDGETGATE_PORT", value: "99999", message: /BUDGETGATE_PORT must be between 0 and 65535 \(got "99999"\)/ },
    { name: "BUDGETGATE_BLOCK_BELOW", value: "1.5", message: /BUDGETGATE_BLOCK_BELOW must be between 0 and 1/ },
    { name: "BUDGETGATE_COMPUTE_SCHEDULE", value: "every minute", message: /must be a cron expression/ },
    { name: "BUDGETGATE_STALE_AFTER_SECONDS", value: "5", message: /between 60 and 604800 seconds/ },
    { name: "BUDGETGATE_NO_DATA", value: "maybe", message: /must be 'deny' or 'allow'/ },
    { name: "BUDGETGATE_FAIL_OPEN", value: "Platform!", message: /comma-separated list of deploy types/ },
  ])("rejects invalid $name", ({ name, value, message }) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("rejects escalation above block level", () => {
    expect(() => loadConfig({ BUDGETGATE_ESCALATE_BELOW: "0.3" })).toThrow(/must not exceed BUDGETGATE_BLOCK_BELOW/);
  });
});
