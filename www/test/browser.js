// Headless Debian Chromium through playwright-core, pages that record console errors, and axe-core's
// accessibility check run inside a page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Playwright gives every `launch` a fresh temporary profile (its own --user-data-dir). */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
}

/**
 * A new page, closed when test `t` ends, whose console errors and uncaught exceptions collect in
 * `errors` (text and URL). With `as` (a user id) it signs in through the provider's page of people
 * and waits for the console to show its users table.
 * @param {{ as?: string, viewport?: { width: number, height: number } }} [options]
 * @returns {Promise<{ page: import("playwright-core").Page, errors: { text: string, url: string }[] }>}
 */
export async function openPage(t, browser, url, { as, viewport = { width: 1280, height: 900 } } = {}) {
  const page = await browser.newPage({ viewport });
  t.after(() => page.close());
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push({ text: m.text(), url: m.location().url }); });
  page.on("pageerror", (e) => errors.push({ text: e.message, url: "" }));
  await page.goto(url);
  if (as) {
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await pickPerson(page, as);
  }
  return { page, errors };
}

/** On the provider's sign-in page: picks the person with user id `id`, then waits for the console's users. */
export async function pickPerson(page, id) {
  await page.locator(`button[name=account][value="${id}"]`).click();
  await page.locator("#users tr").first().waitFor();
}

/** Console errors other than the browser's log line for a response a test provoked on purpose. */
export const unexpected = (errors, allowedStatus) =>
  errors.filter((e) => !(allowedStatus && e.text.includes(`status of ${allowedStatus}`)));

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's critical and serious violations on the page as it is now, each as
 * "rule-id (impact): selector, selector" (empty when there are none).
 * @param {import("playwright-core").Page} page
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return violations.filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
