// A person manages their keys on the dashboard, in Debian's Chromium
// (headless, via playwright-core), against a real latchkey on a fresh
// database: sign up, create a key and read it from the page, use it through
// the API, see the usage, rotate it (the old secret is refused), rename,
// disable and delete it, sign out. Along the way: the CSP header is there
// and the page works under it (an injected inline script does not run),
// errors read as words, the key leaves the page when its dialog closes, the
// session is in sessionStorage only, and the page fits 320 px.
//
// Any console error, page error, failed request or HTTP error the step did
// not expect fails the run. One screenshot per screen goes to
// LATCHKEY_SCREENSHOTS when set.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.LATCHKEY_URL ?? "http://127.0.0.1:3000";
const dashboard = base + (process.env.LATCHKEY_DASHBOARD_PATH ?? "/dashboard");
const shots = process.env.LATCHKEY_SCREENSHOTS;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const started = Date.now();

let step = "start";
const problems = [];
// HTTP errors the current step provokes on purpose: [{status, path}].
let expectedErrors = [];
// Console errors the current step provokes on purpose (CSP refusals).
let expectedConsole = null;

function fail(message) {
  console.error(`dashboard browser test: FAILED in step "${step}": ${message}`);
  if (problems.length) console.error(`also:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

/** Runs one step; nothing unexpected may happen during it. */
async function run(name, body) {
  step = name;
  const at = Date.now();
  await body();
  if (problems.length) fail(`unexpected:\n  ${problems.join("\n  ")}`);
  if (expectedErrors.length) fail(`expected HTTP errors that did not happen: ${JSON.stringify(expectedErrors)}`);
  expectedErrors = [];
  expectedConsole = null;
  console.error(`dashboard browser test: ok  ${name} (${Date.now() - at} ms)`);
}

async function shot(page, name, fullPage = false) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

/** Waits until `locator`'s text contains `text`. */
async function waitText(locator, text, timeout = 20000) {
  const until = Date.now() + timeout;
  let seen = "";
  while (Date.now() < until) {
    seen = (await locator.textContent().catch(() => "")) ?? "";
    if (seen.includes(text)) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`expected "${text}" in ${locator}, saw "${seen.trim()}"`);
}

/** An error shown to the person: words, not a JSON dump. */
async function shownError(locator, words) {
  await locator.waitFor({ state: "visible" });
  const text = await waitText(locator, words);
  check(!text.trim().startsWith("{") && !/"(code|message)"\s*:/.test(text), `an error shown as raw JSON: ${text}`);
}

/** Waits (briefly: the dialog's close event comes just after it hides)
 * until `secret` is nowhere in the page: markup, field values, storage. */
async function gone(page, secret) {
  const cleared = await page.waitForFunction((k) =>
    !document.documentElement.outerHTML.includes(k)
    && ![...document.querySelectorAll("input, textarea")].some((f) => f.value.includes(k))
    && !Object.keys(sessionStorage).some((s) => sessionStorage.getItem(s).includes(k)),
  secret, { timeout: 2000 }).catch(() => null);
  check(cleared, "the full key is still in the page after its dialog closed");
}

/** A call to the API from outside the page (an API consumer). */
async function api(method, path, { headers = {}, body } = {}) {
  const res = await fetch(base + "/api/auth" + path, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

const exchange = (key) => api("POST", "/api-key/token", { headers: { "x-api-key": key } });

const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    // Chromium logs every HTTP error response; those are checked below.
    if (text.startsWith("Failed to load resource: the server responded with a status of")) return;
    if (expectedConsole && expectedConsole.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`));
  page.on("response", (response) => {
    if (response.status() < 400) return;
    const path = new URL(response.url()).pathname;
    const at = expectedErrors.findIndex((e) => e.status === response.status() && e.path === path);
    if (at >= 0) expectedErrors.splice(at, 1);
    else problems.push(`HTTP ${response.status()} for ${response.request().method()} ${path}`);
  });

  const signin = page.locator("#view-signin");
  const signup = page.locator("#view-signup");
  const keysView = page.locator("#view-keys");
  const usageView = page.locator("#view-usage");
  const secretDialog = page.locator("#dialog-secret");
  const email = `dash-${Date.now().toString(36)}@example.com`;
  const password = "correct-horse-42";
  let key = "";
  let token = "";

  await run("the page loads with its security headers", async () => {
    const response = await page.goto(dashboard);
    check(response.status() === 200, `status ${response.status()}`);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    check(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), `CSP: ${csp}`);
    check(!csp.includes("unsafe-inline"), `CSP allows inline code: ${csp}`);
    check(headers["x-frame-options"] === "DENY", "X-Frame-Options");
    check(headers["referrer-policy"] === "no-referrer", "Referrer-Policy");
    await signin.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot(page, "01-sign-in");
  });

  await run("a wrong password reads as words", async () => {
    expectedErrors = [{ status: 401, path: "/api/auth/sign-in/email" }];
    await signin.getByLabel("Email").fill(email);
    await signin.getByLabel("Password").fill("wrong-password-1");
    await signin.getByRole("button", { name: "Sign in" }).click();
    await shownError(signin.getByRole("alert"), "Invalid email or password");
  });

  await run("sign up", async () => {
    await signin.getByRole("button", { name: "Create one" }).click();
    await signup.getByLabel("Name").fill("Dana Dashboard");
    await signup.getByLabel("Email").fill(email);
    await signup.getByLabel("Password", { exact: true }).fill(password);
    await shot(page, "02-sign-up");
    await signup.getByRole("button", { name: "Create account" }).click();
    await keysView.getByRole("heading", { name: "Your API keys" }).waitFor();
    await keysView.locator("#keys-empty").waitFor();
    await waitText(page.locator("#account-email"), email);
    const stored = await page.evaluate(() => ({
      session: Object.keys(sessionStorage).map((k) => sessionStorage.getItem(k)),
      local: localStorage.length,
      cookies: document.cookie,
    }));
    check(stored.local === 0, "something was written to localStorage");
    check(stored.cookies === "", "the page holds cookies");
    check(stored.session.length === 1 && stored.session[0].includes("."), "the signed token is in sessionStorage");
    token = stored.session[0];
    check(!page.url().includes(token) && new URL(page.url()).search === "", `a URL with a query: ${page.url()}`);
    const cookies = await context.cookies();
    check(cookies.length === 0, `the browser kept cookies: ${cookies.map((c) => c.name)}`);
  });

  await run("the session survives a reload of the tab", async () => {
    await page.reload();
    await keysView.getByRole("heading", { name: "Your API keys" }).waitFor();
    await waitText(page.locator("#account-email"), email);
  });

  await run("the create dialog works from the keyboard and explains mistakes", async () => {
    const create = page.locator("#dialog-create");
    await keysView.getByRole("button", { name: "New key" }).focus();
    await page.keyboard.press("Enter");
    await create.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await create.waitFor({ state: "hidden" });
    await page.keyboard.press("Enter"); // focus went back to "New key"
    await create.waitFor({ state: "visible" });
    await page.keyboard.type("ci-deploy"); // the name field has the focus
    await page.keyboard.press("Tab"); // to the prefix
    await page.keyboard.type("bad prefix!");
    expectedErrors = [{ status: 400, path: "/api/auth/api-key/create" }];
    await page.keyboard.press("Enter"); // submits the form
    await shownError(create.getByRole("alert"), "Invalid prefix format");
    await create.getByLabel("Prefix").fill("lk_");
    await create.getByLabel("Metadata").fill("{team: billing}");
    await create.getByRole("button", { name: "Create key" }).click();
    await shownError(create.getByRole("alert"), "not valid JSON");
    await create.getByLabel("Metadata").fill('{"team": "billing"}');
    await create.getByLabel("Expires after").fill("30");
    await shot(page, "03-create");
  });

  await run("create a key: shown once, copied, then gone from the page", async () => {
    await page.locator("#dialog-create").getByRole("button", { name: "Create key" }).click();
    await secretDialog.waitFor({ state: "visible" });
    await waitText(secretDialog, "You will not see it again");
    key = await secretDialog.getByLabel("Full key").inputValue();
    check(key.startsWith("lk_") && key.length > 40, `the key read from the page: ${key.slice(0, 6)}…`);
    await shot(page, "04-key-shown-once");
    await secretDialog.getByRole("button", { name: "Copy key" }).click();
    await waitText(secretDialog.getByRole("status"), "Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    check(copied === key, "the clipboard holds the key");
    await secretDialog.getByRole("button", { name: "Done" }).click();
    await secretDialog.waitFor({ state: "hidden" });
    await gone(page, key);
    const row = keysView.locator("tbody tr", { hasText: "ci-deploy" });
    await waitText(row, "Enabled");
    await waitText(row, key.slice(0, 6));
  });

  await run("use the key through the API", async () => {
    for (let i = 0; i < 3; i += 1) {
      const answer = await exchange(key);
      check(answer.status === 200 && answer.json?.token, `POST /api-key/token: ${answer.status} ${answer.text}`);
    }
  });

  await run("the usage appears", async () => {
    await keysView.getByRole("button", { name: "Usage of ci-deploy" }).click();
    await usageView.getByRole("heading", { name: "Usage of ci-deploy" }).waitFor();
    // The usage log is written about every two seconds: refresh until it is.
    // The table, the chart and the figures are three reads, and a flush can
    // land between them (the table saw 3 rows, the chart none): wait until
    // every one of them has all 3 requests.
    const caption = usageView.locator("#usage-chart-caption");
    const summary = usageView.locator("#usage-summary");
    const allShown = async () =>
      (await usageView.locator("#usage-body tr").count()) >= 3
      && ((await caption.textContent()) ?? "").includes("3 requests")
      && ((await summary.textContent()) ?? "").includes("Logged requests3");
    const until = Date.now() + 15000;
    while (!(await allShown())) {
      check(Date.now() < until, "the 3 requests never appeared in the usage table, chart and figures");
      await new Promise((r) => setTimeout(r, 500));
      await usageView.getByRole("button", { name: "Refresh" }).click();
    }
    await waitText(usageView.locator("#usage-body"), "/api/auth/api-key/token");
    await waitText(usageView.locator("#usage-chart-caption"), "3 requests in the last 24 hours, 100% successful");
    check((await usageView.locator("#usage-chart svg rect.bar-ok").count()) >= 1, "no bar in the chart");
    await waitText(usageView.locator("#usage-summary"), "Logged requests3");
    await waitText(usageView.locator("#usage-summary"), "Success rate100%");
    await shot(page, "05-usage", true);
    await usageView.getByLabel("Show").selectOption("day");
    await waitText(usageView.locator("#usage-chart-caption"), "3 requests in the last 14 days");
    await usageView.getByRole("button", { name: "Back to keys" }).click();
    const row = keysView.locator("tbody tr", { hasText: "ci-deploy" });
    await waitText(row.locator('[data-label="Uses"]'), "3");
    const lastUsed = await row.locator('[data-label="Last used"]').textContent();
    check(lastUsed !== "Never", "Last used stayed Never");
    await shot(page, "06-keys", true);
  });

  await run("rotate: a new secret, the old one refused", async () => {
    await keysView.getByRole("button", { name: "Rotate ci-deploy" }).click();
    const rotate = page.locator("#dialog-rotate");
    await rotate.waitFor({ state: "visible" });
    await rotate.getByLabel("The old secret stops working").selectOption("0");
    await shot(page, "07-rotate");
    await rotate.getByRole("button", { name: "Rotate" }).click();
    await secretDialog.waitFor({ state: "visible" });
    await waitText(secretDialog, "The old secret no longer works");
    const fresh = await secretDialog.getByLabel("Full key").inputValue();
    check(fresh.startsWith("lk_") && fresh !== key, "rotation gave a new key");
    await page.keyboard.press("Escape");
    await secretDialog.waitFor({ state: "hidden" });
    await gone(page, fresh);
    const old = await exchange(key);
    check(old.status === 401, `the old secret: ${old.status} ${old.text}`);
    const now = await exchange(fresh);
    check(now.status === 200, `the new secret: ${now.status} ${now.text}`);
    key = fresh;
  });

  await run("rename", async () => {
    await keysView.getByRole("button", { name: "Rename ci-deploy" }).click();
    const rename = page.locator("#dialog-rename");
    await rename.getByLabel("New name").fill("ci-deploy-2");
    await rename.getByRole("button", { name: "Save" }).click();
    await rename.waitFor({ state: "hidden" });
    await keysView.locator("tbody tr", { hasText: "ci-deploy-2" }).waitFor();
  });

  await run("readable at 320 px", async () => {
    await page.setViewportSize({ width: 320, height: 720 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `the key list is ${overflow}px wider than 320px`);
    await shot(page, "08-narrow-keys", true);
    await keysView.getByRole("button", { name: "Usage of ci-deploy-2" }).click();
    await waitText(usageView.locator("#usage-chart-caption"), "requests in the last");
    const usageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(usageOverflow <= 0, `the usage view is ${usageOverflow}px wider than 320px`);
    await shot(page, "08-narrow-usage", true);
    await usageView.getByRole("button", { name: "Back to keys" }).click();
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await run("disable, after a confirmation", async () => {
    await keysView.getByRole("button", { name: "Disable ci-deploy-2" }).click();
    const confirm = page.locator("#dialog-confirm");
    await waitText(confirm, "Disable ci-deploy-2?");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    const row = keysView.locator("tbody tr", { hasText: "ci-deploy-2" });
    await waitText(row, "Enabled");
    await keysView.getByRole("button", { name: "Disable ci-deploy-2" }).click();
    await confirm.getByRole("button", { name: "Disable key" }).click();
    await confirm.waitFor({ state: "hidden" });
    await waitText(row, "Disabled");
    const refused = await exchange(key);
    check(refused.status === 403 && refused.json?.code === "KEY_DISABLED", `a disabled key: ${refused.status} ${refused.text}`);
  });

  await run("delete, after a confirmation", async () => {
    await keysView.getByRole("button", { name: "Delete ci-deploy-2" }).click();
    const confirm = page.locator("#dialog-confirm");
    await waitText(confirm, "This cannot be undone");
    await shot(page, "09-delete");
    await confirm.getByRole("button", { name: "Delete key" }).click();
    await confirm.waitFor({ state: "hidden" });
    await keysView.locator("#keys-empty").waitFor();
    // The row (and its Delete button) is gone: the focus goes to the heading.
    const focused = await page.waitForFunction(() => document.activeElement?.id === "keys-title", null,
      { timeout: 5000 }).catch(() => null);
    check(focused, "the keyboard focus was lost after the delete");
    const refused = await exchange(key);
    check(refused.status === 401, `a deleted key: ${refused.status} ${refused.text}`);
  });

  await run("the CSP holds: injected inline code and styles do nothing", async () => {
    expectedConsole = /Content Security Policy|TrustedScript|Trusted Type/i;
    const result = await page.evaluate(() => {
      const script = document.createElement("script");
      try {
        script.textContent = "window.__injected = true";
      } catch {
        script.append(document.createTextNode("window.__injected = true"));
      }
      document.body.append(script);
      const p = document.createElement("p");
      p.setAttribute("style", "color: rgb(1, 2, 3)");
      document.body.append(p);
      return { ran: window.__injected === true, color: getComputedStyle(p).color };
    });
    check(!result.ran, "an injected inline script ran");
    check(result.color !== "rgb(1, 2, 3)", "an injected style attribute applied");
  });

  await run("sign out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await signin.getByRole("heading", { name: "Sign in" }).waitFor();
    await waitText(page.locator("#notice"), "You have signed out");
    const left = await page.evaluate(() => sessionStorage.length);
    check(left === 0, "the token stayed in sessionStorage");
    const session = await api("GET", "/get-session", { headers: { authorization: `Bearer ${token}` } });
    check(session.status === 200 && session.json === null, `the old token still works: ${session.text}`);
    await shot(page, "10-signed-out");
  });
} finally {
  await browser.close();
}
console.error(`dashboard browser test: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
