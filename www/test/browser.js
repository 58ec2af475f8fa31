// Headless Debian Chromium through playwright-core, and pages that record console errors.
import { chromium } from "playwright-core";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Playwright gives every `launch` a fresh temporary profile (its own --user-data-dir). */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
}

/**
 * A new page, closed when test `t` ends, whose console errors and uncaught exceptions collect in
 * `errors` (text and URL). Waits for the console to show its users table.
 * @returns {Promise<{ page: import("playwright-core").Page, errors: { text: string, url: string }[] }>}
 */
export async function openPage(t, browser, url, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  t.after(() => page.close());
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push({ text: m.text(), url: m.location().url }); });
  page.on("pageerror", (e) => errors.push({ text: e.message, url: "" }));
  await page.goto(url);
  await page.locator("#users tr").first().waitFor();
  return { page, errors };
}
