import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLANNED_BURN_REASON, startDemoService, type DemoService } from "../admin/support.ts";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const SCREENSHOT = path.join(ARTIFACTS, "admin-sre.png");

/** Fails with the install command when Debian's chromium is missing. */
function requireChromium(): string {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`${CHROMIUM} is missing; install Debian's chromium with: apt-get update && apt-get install -y chromium`);
  }
  return CHROMIUM;
}

describe("admin SRE page in Chromium", () => {
  let demo: DemoService;
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const executablePath = requireChromium();
    demo = await startDemoService();
    profile = await mkdtemp(path.join(os.tmpdir(), "budgetgate-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1680, height: 1000 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) {
      await rm(profile, { recursive: true, force: true });
    }
    await demo?.stop();
  });

  it("redirects to login without session", async () => {
    await page.goto(`${demo.running.baseUrl}/admin/sre`);
    expect(new URL(page.url()).pathname).toBe("/admin/login");
    expect(await page.locator("input#key").getAttribute("type")).toBe("password");
  });

  it("rejects wrong key in form", async () => {
    await page.goto(`${demo.running.baseUrl}/admin/login`);
    await page.fill("input#key", "bgk_000000000000_notakey");
    await page.click("button[type=submit]");
    expect(new URL(page.url()).pathname).toBe("/admin/login");
    expect(await page.locator("p.error").textContent()).toContain("Invalid or revoked API key");
  });

  it("signs in with admin key", async () => {
    await page.goto(`${demo.running.baseUrl}/admin/login`);
    await page.fill("input#key", demo.adminKey);
    await page.click("button[type=submit]");
    await page.waitForURL(`${demo.running.baseUrl}/admin/sre`);
    expect(await page.locator("h1").textContent()).toBe("budgetgate SRE");

    const cookies = await context.cookies(demo.running.baseUrl + "/admin");
    const session = cookies.find((cookie) => cookie.name === "budgetgate_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Strict");
    expect(session?.value).not.toContain(demo.adminKey);
  });

  it("shows healthcare quality as blocked", async () => {
    const row = page.locator('tr[data-vertical="healthcare"][data-tenant=""][data-budget="quality"]');
    const remaining = row.locator("td.remaining");
    const text = (await remaining.textContent()) ?? "";
    const value = Number(/^(-?\d+\.\d)%/.exec(text.trim())?.[1]);
    expect(value).toBeLessThan(25);
    expect(value).toBeGreaterThanOrEqual(10);
    expect(await remaining.getAttribute("class")).toContain("level-blocked");
    // tsconfig has no DOM library, so the browser's getComputedStyle is reached through globalThis.
    const background = await remaining.evaluate((cell) => (globalThis as any).getComputedStyle(cell).backgroundColor);
    expect(background).toBe("rgb(255, 215, 213)");
    expect(text).toContain("blocked");
    expect(await row.locator("svg.chart title").textContent()).toMatch(/^quality budget of healthcare: \d+\.\d% of the budget spent/);
    // Below the block level, the forecast gives the time the budget is back above it.
    expect(await row.locator("td.recovery").textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in .+\)$/);
    expect(await row.locator("td.exhaustion").textContent()).toMatch(/UTC|not within|exhausted/);
  });

  it("lists planned burn and decisions", async () => {
    const burns = page.locator("section", { has: page.locator("h2", { hasText: "Planned burns" }) });
    // The reason contains markup characters, which must arrive as text and not as an element.
    expect(await burns.locator("td.wrap").first().textContent()).toBe(PLANNED_BURN_REASON);
    expect(await burns.locator("td.wrap b").count()).toBe(0);

    const decisions = page.locator("section", { has: page.locator("h2", { hasText: "Latest decisions" }) });
    expect(await decisions.locator("tbody tr").count()).toBe(2);
    expect(await decisions.locator("td.deny").count()).toBe(1);
    expect(await decisions.textContent()).toContain("quality budget of healthcare has");
  });

  it("saves screenshot of page", async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(SCREENSHOT).toMatch(/admin-sre\.png$/);
  });

  it("signs out and ends session", async () => {
    await page.click("header button[type=submit]");
    expect(new URL(page.url()).pathname).toBe("/admin/login");
    await page.goto(`${demo.running.baseUrl}/admin/sre`);
    expect(new URL(page.url()).pathname).toBe("/admin/login");
  });
});
