// The decisions the demo's edge worker logged: workerd prints one JSON line per protected request
// (worker/src/decisions.js); the stack hands each line here, which appends it to
// `<dataDir>/decisions.jsonl` and keeps the most recent in memory for the console.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decisionLines } from "../../worker/test/harness.js";

/** How many recent decisions the console can see. */
const RECENT = 200;

/**
 * Opens the decision log of `dataDir`, with the recent lines of earlier runs.
 * @returns {{ file: string, add(line: string): void, recent(tenant?: string, limit?: number): object[] }}
 */
export function openDecisionLog(dataDir) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, "decisions.jsonl");
  let kept;
  try {
    kept = decisionLines(readFileSync(file, "utf8")).slice(-RECENT);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    kept = [];
  }
  return {
    file,
    /** Keeps `line` when it is a decision line (workerd prints other things too). */
    add(line) {
      const [decision] = decisionLines(line);
      if (!decision) return;
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
      kept.push(decision);
      if (kept.length > RECENT) kept.shift();
    },
    /** The newest first, of one tenant (with the tenant-less ones: paths refused before routing) or all. */
    recent(tenant, limit = 50) {
      return kept.filter((d) => !tenant || d.tenant === tenant || d.tenant === null).slice(-limit).reverse();
    },
  };
}
