/** The HTML document around the admin pages, its stylesheet and the login page. */
import { html, raw, type SafeHtml } from "./html.ts";

/**
 * Security headers of every admin page. The policy allows inline styles and nothing else: no
 * scripts, no frames, and forms that post only to this origin.
 */
export const ADMIN_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "Cache-Control": "no-store",
};

const STYLE = raw(`
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color: #1f2328; }
body { margin: 0; background: #f6f8fa; }
header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #24292f; color: #fff; }
header h1 { font-size: 18px; margin: 0; }
header .meta { color: #d0d7de; font-size: 12px; }
header form { margin-left: auto; }
main { padding: 16px 24px 32px; }
section { margin-bottom: 28px; }
h2 { font-size: 16px; margin: 0 0 8px; }
p.note { color: #57606a; margin: 4px 0 10px; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d0d7de; }
th, td { padding: 5px 8px; border-bottom: 1px solid #d8dee4; text-align: left; vertical-align: middle; white-space: nowrap; }
th { background: #f6f8fa; font-weight: 600; font-size: 12px; }
table.budgets tbody td { height: 42px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; min-width: 280px; }
tr.vertical-start td { border-top: 2px solid #8c959f; }
.level { font-weight: 600; border-radius: 4px; }
.level-ok { background: #dafbe1; color: #116329; }
.level-warn { background: #fff8c5; color: #7d4e00; }
.level-blocked { background: #ffd7d5; color: #82071e; }
.level-escalated { background: #a40e26; color: #fff; }
.level-no_data { background: #eaeef2; color: #57606a; }
.hot { font-weight: 700; color: #a40e26; }
.alert-page { background: #a40e26; color: #fff; padding: 1px 6px; border-radius: 10px; }
.alert-ticket { background: #fff8c5; color: #7d4e00; padding: 1px 6px; border-radius: 10px; }
.muted { color: #6e7781; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 6px; }
svg.chart { display: block; }
.chart-frame { fill: #fff; stroke: #d0d7de; }
.chart-block { stroke: #cf222e; stroke-dasharray: 3 2; stroke-width: 1; }
.chart-escalate { stroke: #82071e; stroke-dasharray: 1 2; stroke-width: 1; }
.chart-area { fill: #ddf4ff; }
.chart-line { fill: none; stroke: #0969da; stroke-width: 1.5; }
.chart-blocked .chart-area, .chart-escalated .chart-area { fill: #ffebe9; }
.chart-blocked .chart-line, .chart-escalated .chart-line { stroke: #cf222e; }
.allow { color: #116329; font-weight: 600; }
.deny { color: #a40e26; font-weight: 600; }
ul.reasons { margin: 0; padding-left: 16px; }
form.login { background: #fff; border: 1px solid #d0d7de; padding: 20px; max-width: 420px; margin: 48px auto; border-radius: 6px; }
form.login label { display: block; font-weight: 600; margin-bottom: 6px; }
form.login input[type=password] { width: 100%; box-sizing: border-box; padding: 6px 8px; font-family: monospace; margin-bottom: 12px; }
button { padding: 5px 14px; font: inherit; cursor: pointer; }
.error { background: #ffebe9; border: 1px solid #ff8182; padding: 8px 10px; margin-bottom: 12px; border-radius: 4px; }
`);

/** Wraps a page body in the HTML document with the stylesheet. */
export function documentOf(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`.value;
}

/** Renders the login form, with `error` above it after a failed attempt. */
export function renderLoginPage(error: string | null): string {
  const body = html`<form class="login" method="post" action="/admin/login">
<h1>budgetgate SRE</h1>
${error === null ? "" : html`<p class="error" role="alert">${error}</p>`}
<label for="key">Admin API key</label>
<input id="key" name="key" type="password" autocomplete="off" required spellcheck="false" placeholder="bgk_…">
<p class="note">Create one with <code>budgetgate api-key create --scope admin</code>.</p>
<button type="submit">Sign in</button>
</form>`;
  return documentOf("Sign in: budgetgate SRE", body);
}
