import { describe, expect, it } from "vitest";
import { burnChart, CHART_HOURS, cumulativeSpent } from "../../src/admin/chart.ts";
import { durationText, levelOf, percent, relativeTime, targetPercent } from "../../src/admin/format.ts";
import { escapeHtml, html, raw } from "../../src/admin/html.ts";
import { readCookie, sessionCookieHeader, sessionSecretFrom, signSession, verifySession } from "../../src/admin/session.ts";
import { HOUR_MS } from "../../src/forecast/index.ts";

const THRESHOLDS = { block: 0.25, escalate: 0.1, warn: 0.5 };

describe("html escaping", () => {
  it("escapes the five special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("escapes interpolated values only", () => {
    const name = "<script>alert(1)</script>";
    const fragment = html`<td title="${name}">${name}</td>`;
    expect(fragment.value).toBe('<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });

  it("keeps nested fragments and arrays", () => {
    const items = ["a&b", "<c>"].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${raw("<hr>")}${null}${undefined}${false}${0}`.value).toBe("<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul><hr>0");
  });
});

describe("session cookie", () => {
  const secret = Buffer.from("s".repeat(32));
  const now = Date.UTC(2026, 5, 1, 12);

  it("verifies its own signature", () => {
    const value = signSession(secret, "0123456789ab", now);
    expect(value).toMatch(/^v1\.0123456789ab\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(verifySession(secret, value, now)).toBe("0123456789ab");
  });

  it("rejects tampered, foreign and expired values", () => {
    const value = signSession(secret, "0123456789ab", now);
    expect(verifySession(secret, value.replace("0123456789ab", "0123456789ac"), now)).toBeNull();
    expect(verifySession(Buffer.from("t".repeat(32)), value, now)).toBeNull();
    expect(verifySession(secret, value, now + 8 * 3600 * 1000)).toBeNull();
    expect(verifySession(secret, value, now + 8 * 3600 * 1000 - 1000)).toBe("0123456789ab");
    expect(verifySession(secret, `${value}x`, now)).toBeNull();
    expect(verifySession(secret, "", now)).toBeNull();
  });

  it("builds cookie attributes", () => {
    expect(sessionCookieHeader("v", false)).toBe("budgetgate_session=v; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=28800");
    expect(sessionCookieHeader("v", true)).toBe("budgetgate_session=v; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=28800; Secure");
    expect(sessionCookieHeader(null, false)).toBe("budgetgate_session=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
  });

  it("reads cookie from header", () => {
    expect(readCookie("a=1; budgetgate_session=v1.x; b=2", "budgetgate_session")).toBe("v1.x");
    expect(readCookie("budgetgate_session_old=1", "budgetgate_session")).toBeUndefined();
    expect(readCookie(undefined, "budgetgate_session")).toBeUndefined();
  });

  it("reads secret from environment", () => {
    expect(sessionSecretFrom({ BUDGETGATE_SESSION_SECRET: "k".repeat(32) })).toEqual({ key: Buffer.from("k".repeat(32)), source: "environment" });
    expect(sessionSecretFrom({}).source).toBe("random");
    expect(sessionSecretFrom({}).key).toHaveLength(32);
    expect(() => sessionSecretFrom({ BUDGETGATE_SESSION_SECRET: "short" })).toThrow("BUDGETGATE_SESSION_SECRET must be at least 32 characters (got 5)");
  });
});

describe("admin formats", () => {
  it.each([
    [null, "no_data"],
    [0.5, "ok"],
    [0.4999, "warn"],
    [0.25, "warn"],
    [0.2499, "blocked"],
    [0.1, "blocked"],
    [0.0999, "escalated"],
    [-2, "escalated"],
  ] as const)("levels remaining %s as %s", (remaining, level) => {
    expect(levelOf(remaining, THRESHOLDS)).toBe(level);
  });

  it("formats percentages and targets", () => {
    expect(percent(0.163)).toBe("16.3%");
    expect(percent(-2.87)).toBe("-287.0%");
    expect(percent(null)).toBe("n/a");
    expect(targetPercent(0.999)).toBe("99.9%");
    expect(targetPercent(0.95)).toBe("95%");
    expect(targetPercent(0.15)).toBe("15%");
  });

  it("formats durations and relative times", () => {
    const now = new Date(Date.UTC(2026, 5, 1, 12));
    expect(durationText(7 * 24 * HOUR_MS)).toBe("7 d");
    expect(durationText(2 * 24 * HOUR_MS + 3 * HOUR_MS + 5 * 60_000)).toBe("2 d 3 h");
    expect(durationText(5 * HOUR_MS + 10 * 60_000)).toBe("5 h 10 min");
    expect(relativeTime(new Date(now.getTime() + 4 * 60_000), now)).toBe("in 4 min");
    expect(relativeTime(new Date(now.getTime() - 3 * HOUR_MS), now)).toBe("3 h ago");
    expect(relativeTime(new Date(now.getTime() + 20_000), now)).toBe("now");
  });
});

describe("burn chart", () => {
  const endMs = Date.UTC(2026, 5, 8, 0, 30);
  const lastHour = Date.UTC(2026, 5, 7, 23);

  it("accumulates share of budget spent", () => {
    const history = [
      { hourStartMs: lastHour - 2 * HOUR_MS, eligible: 1000, bad: 10 },
      { hourStartMs: lastHour, eligible: 1000, bad: 40 },
      // The hour containing endMs is incomplete and left out.
      { hourStartMs: lastHour + HOUR_MS, eligible: 1000, bad: 1000 },
      // Older than 7 days: left out.
      { hourStartMs: lastHour - CHART_HOURS * HOUR_MS, eligible: 1000, bad: 1000 },
    ];
    const points = cumulativeSpent(history, endMs, 0.95)!;
    expect(points).toHaveLength(CHART_HOURS);
    // 2000 eligible events allow 100 bad ones.
    expect(points[CHART_HOURS - 3]).toBeCloseTo(0.1, 12);
    expect(points[CHART_HOURS - 2]).toBeCloseTo(0.1, 12);
    expect(points[CHART_HOURS - 1]).toBeCloseTo(0.5, 12);
    expect(points[0]).toBe(0);
  });

  it("returns null without eligible events", () => {
    expect(cumulativeSpent([], endMs, 0.95)).toBeNull();
  });

  it("draws escaped SVG with threshold lines", () => {
    const svg = burnChart([0, 0.5, 2], { block: 0.25, escalate: 0.1 }, "blocked", 'quality of "<b>"').value;
    expect(svg).toContain('class="chart chart-blocked"');
    expect(svg).toContain("<title>quality of &quot;&lt;b&gt;&quot;</title>");
    // 0.75 and 0.9 of the budget spent, on a 40-pixel axis that ends at 1.5.
    expect(svg).toContain('<line class="chart-block" x1="0" x2="168" y1="20" y2="20"/>');
    expect(svg).toContain('<line class="chart-escalate" x1="0" x2="168" y1="16" y2="16"/>');
    expect(svg).toContain('<polyline class="chart-line" points="0,40 84,26.67 168,0"/>');
  });
});
