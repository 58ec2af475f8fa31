// The demo stack (identity provider + origin + edge worker on workerd + console, one URL) on a fresh data
// directory, with a headless Chromium, for one test file; and what origin's store holds.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack } from "../demo/stack.js";
import { launchBrowser } from "./browser.js";

/**
 * @param {{ overrides?: Record<string, object> }} [options] policy fields by tenant (see demo/policies.js)
 * @returns {Promise<{ stack: any, browser: import("playwright-core").Browser, dataDir: string,
 *   storedUser(tenant: string, id: string): any, stop(): Promise<void> }>}
 */
export async function startDemo({ overrides } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-demo-"));
  const stack = await startStack({ dataDir, overrides });
  const browser = await launchBrowser();
  return {
    stack,
    browser,
    dataDir,
    /** The user as origin's store file holds it (undefined when there is none). */
    storedUser: (tenant, id) => JSON.parse(readFileSync(stack.origin.storeFile, "utf8")).tenants[tenant].users.find((u) => u.id === id),
    stop: async () => {
      await browser.close();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
