/** Renders the /admin/sre page from SrePageData. Every value from the database goes through `html`. */
import { BURN_WINDOWS } from "../budgets/alerts.ts";
import type { Config } from "../config/config.ts";
import type { DecisionRow, PlannedBurnRow } from "./activity.ts";
import { burnChart } from "./chart.ts";
import { burnRate, durationText, LEVEL_TEXT, levelOf, percent, relativeTime, targetPercent, utcTime } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { documentOf } from "./layout.ts";
import type { BudgetView, SrePageData } from "./page-data.ts";

type Thresholds = Config["thresholds"];

/** Id of a budget's row, which /admin/budgets/:vertical/:budget links to. */
export function budgetAnchor(vertical: string, tenantId: string | null, name: string): string {
  return `budget-${[vertical, tenantId ?? "", name].map(encodeURIComponent).join("/")}`;
}

function timeCell(date: Date, now: Date, className = ""): SafeHtml {
  return html`<td class="${className}" title="${date.toISOString()}">${utcTime(date)} <span class="muted">(${relativeTime(date, now)})</span></td>`;
}

function exhaustionCell(view: BudgetView, now: Date): SafeHtml {
  const forecast = view.forecast;
  if (forecast === null) {
    return html`<td class="exhaustion muted">${view.forecastNote}</td>`;
  }
  switch (forecast.exhaustion.kind) {
    case "exhausted":
      return html`<td class="exhaustion hot">exhausted</td>`;
    case "forecast":
      return timeCell(new Date(forecast.exhaustion.atMs), now, "exhaustion");
    case "not_within_horizon":
      return html`<td class="exhaustion muted" title="not before ${utcTime(new Date(forecast.exhaustion.horizonEndMs))}">not within ${durationText(forecast.exhaustion.horizonEndMs - forecast.forecastStartMs)}</td>`;
    case "not_enough_data":
      return html`<td class="exhaustion muted">not enough history</td>`;
  }
}

function recoveryCell(view: BudgetView, now: Date): SafeHtml {
  if (view.forecast === null) {
    return html`<td class="recovery muted">${view.forecastNote}</td>`;
  }
  const recovery = view.forecast.recovery;
  return recovery === null ? html`<td class="recovery muted">above block level</td>` : timeCell(new Date(recovery.atMs), now, "recovery");
}

function budgetRow(view: BudgetView, thresholds: Thresholds, now: Date, firstOfVertical: boolean): SafeHtml {
  const budget = view.budget;
  const level = levelOf(budget.remaining, thresholds);
  const isCost = view.definition?.sli === "cost";
  const scope = `${budget.vertical}${budget.tenantId === null ? "" : ` / ${budget.tenantId}`}`;
  const chartLabel =
    view.chart === null ? "" : `${budget.name} budget of ${scope}: ${percent(view.chart.at(-1) ?? 0)} of the budget spent over the last 7 days`;
  const rates = BURN_WINDOWS.map((window) => {
    const rate = budget.burnRates[window];
    return html`<td class="num${rate !== null && rate > 1 ? " hot" : ""}">${burnRate(rate)}</td>`;
  });
  return html`<tr id="${budgetAnchor(budget.vertical, budget.tenantId, budget.name)}" class="${firstOfVertical ? "vertical-start" : ""}" data-vertical="${budget.vertical}" data-tenant="${budget.tenantId ?? ""}" data-budget="${budget.name}">
<td>${budget.vertical}</td>
<td>${budget.tenantId ?? html`<span class="muted">all</span>`}</td>
<td>${budget.name}</td>
<td class="num">${isCost ? `+${targetPercent(budget.target)}` : targetPercent(budget.target)}</td>
<td class="num remaining level level-${level}" title="${LEVEL_TEXT[level]}">${percent(budget.remaining)} <small>${LEVEL_TEXT[level]}</small></td>
${rates}
<td>${budget.alert === "none" ? html`<span class="muted">none</span>` : html`<span class="alert-${budget.alert}">${budget.alert}</span>`}</td>
${exhaustionCell(view, now)}
${recoveryCell(view, now)}
<td>${view.chart === null ? html`<span class="muted">n/a</span>` : burnChart(view.chart, thresholds, level, chartLabel)}</td>
</tr>`;
}

function budgetsSection(data: SrePageData, thresholds: Thresholds, now: Date): SafeHtml {
  if (data.budgets.length === 0) {
    return html`<section><h2>Budgets</h2><p class="note">No budgets have been computed yet.</p></section>`;
  }
  const rows = data.budgets.map((view, index) => budgetRow(view, thresholds, now, index > 0 && data.budgets[index - 1]!.budget.vertical !== view.budget.vertical));
  return html`<section>
<h2>Budgets</h2>
<p class="note legend">Remaining over each budget's window.
<span class="level level-ok">${`≥ ${percent(thresholds.warn)}`} healthy</span>
<span class="level level-warn">below ${percent(thresholds.warn)}: warning</span>
<span class="level level-blocked">below ${percent(thresholds.block)}: deploys blocked</span>
<span class="level level-escalated">below ${percent(thresholds.escalate)}: escalated</span>
Burn rates above 1 spend the budget faster than the window allows. The chart shows the share of the budget spent over the last 7 days, with dashed lines where the block and escalation levels are reached.</p>
<table class="budgets">
<thead>
<tr><th rowspan="2">Vertical</th><th rowspan="2">Tenant</th><th rowspan="2">Budget</th><th rowspan="2" class="num">Target</th><th rowspan="2" class="num">Remaining</th><th colspan="${BURN_WINDOWS.length}">Burn rate</th><th rowspan="2">Alert</th><th rowspan="2">Exhaustion (forecast)</th><th rowspan="2">Recovery (forecast)</th><th rowspan="2">Last 7 days</th></tr>
<tr>${BURN_WINDOWS.map((window) => html`<th class="num">${window}</th>`)}</tr>
</thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function burnsSection(burns: readonly PlannedBurnRow[], now: Date): SafeHtml {
  const body =
    burns.length === 0
      ? html`<p class="note">No planned burns in the last 7 days or ahead.</p>`
      : html`<table>
<thead><tr><th class="num">Id</th><th>Scope</th><th>Budgets</th><th>Starts</th><th>Ends</th><th>Author</th><th>Reason</th></tr></thead>
<tbody>
${burns.map(
  (burn) => html`<tr>
<td class="num">${burn.id}</td>
<td>${burn.vertical}${burn.tenantId === null ? "" : ` / ${burn.tenantId}`}</td>
<td>${burn.budgets.join(", ")}</td>
${timeCell(burn.startsAt, now)}
<td title="${burn.endsAt.toISOString()}">${utcTime(burn.endsAt)}${burn.endedEarly ? html` <span class="muted">(ended early)</span>` : ""}</td>
<td>${burn.author}</td>
<td class="wrap">${burn.reason}</td>
</tr>`,
)}
</tbody>
</table>`;
  return html`<section><h2>Planned burns</h2>${body}</section>`;
}

function decisionsSection(decisions: readonly DecisionRow[], now: Date): SafeHtml {
  const body =
    decisions.length === 0
      ? html`<p class="note">No decisions recorded yet.</p>`
      : html`<table>
<thead><tr><th>Decided</th><th>Outcome</th><th>Deploy type</th><th>Vertical</th><th>Source</th><th>Reasons</th></tr></thead>
<tbody>
${decisions.map(
  (decision) => html`<tr>
${timeCell(decision.decidedAt, now)}
<td class="${decision.allowed ? "allow" : "deny"}">${decision.allowed ? "allowed" : "denied"}</td>
<td>${decision.deployType ?? html`<span class="muted">none</span>`}</td>
<td>${decision.vertical ?? html`<span class="muted">none</span>`}</td>
<td>${decision.source}</td>
<td class="wrap">${
    decision.reasons.length === 0
      ? html`<span class="muted">no findings</span>`
      : html`<ul class="reasons">${decision.reasons.map((reason) => html`<li><strong>${reason.kind}:</strong> ${reason.message}</li>`)}</ul>`
  }</td>
</tr>`,
)}
</tbody>
</table>`;
  return html`<section><h2>Latest decisions</h2>${body}</section>`;
}

/** Renders the page. `revision` is the policy data revision in use, if any. */
export function renderSrePage(data: SrePageData, thresholds: Thresholds, revision: string | null, now: Date = new Date()): string {
  const meta =
    data.computedAt === null
      ? "budgets not computed yet"
      : `run ${data.runId}, computed ${utcTime(data.computedAt)} (${relativeTime(data.computedAt, now)})${revision === null ? "" : `, revision ${revision.slice(0, 12)}`}`;
  const body = html`<header>
<h1>budgetgate SRE</h1>
<span class="meta">${meta}</span>
<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>
</header>
<main>
${budgetsSection(data, thresholds, now)}
${burnsSection(data.plannedBurns, now)}
${decisionsSection(data.decisions, now)}
</main>`;
  return documentOf("budgetgate SRE", body);
}
