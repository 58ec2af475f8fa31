// The demo stack: the demo origin, the edge worker on workerd in front of it (product A's policy at
// `acme`, product B's at `globex`), and the console served through the worker: one URL for all.
// workerd keeps the invitation ledger (a Durable Object) in `<dataDir>/ledger`, and the decision
// lines it prints are collected into `<dataDir>/decisions.jsonl` for the console.
import { join } from "node:path";
import { startWorker } from "../../worker/test/harness.js";
import { openDecisionLog } from "./decisions.js";
import { startOrigin } from "./origin.js";
import { loadDemoPolicies } from "./policies.js";

/**
 * @param {{ dataDir: string, port?: number, overrides?: Record<string, object> }} options
 *   `port`: the worker's (the URL to open; 0 picks one); `overrides`: policy fields by tenant.
 * @returns {Promise<{ url: string, tenants: object[], origin: object, decisions: object,
 *   restartWorker(): Promise<void>, stop(): Promise<void> }>} `restartWorker` stops workerd and starts
 *   it again on the same port and data (as after a crash or a deployment)
 */
export async function startStack({ dataDir, port = 0, overrides = {} }) {
  const tenants = loadDemoPolicies(overrides);
  const decisions = openDecisionLog(dataDir);
  const origin = await startOrigin({ dataDir, tenants, decisions });
  const spec = {
    policy: tenants[0].policy,
    tenantPolicies: Object.fromEntries(tenants.map((t) => [t.tenant, t.policy])),
    origin: origin.url,
    authKeys: origin.keys.authKeys,
    inviteKey: { [origin.keys.inviteKid]: origin.keys.inviteKey },
    ledgerDir: join(dataDir, "ledger"),
    port,
  };
  const start = () => startWorker(spec, { onLine: decisions.add });
  let worker;
  try {
    worker = await start();
  } catch (err) {
    await origin.close();
    throw err;
  }
  const url = worker.url.replace(/\/$/, "");
  spec.port = Number(new URL(url).port);
  return {
    url,
    tenants,
    origin,
    decisions,
    restartWorker: async () => {
      await worker.stop();
      worker = await start();
    },
    stop: async () => {
      await worker.stop();
      await origin.close();
    },
  };
}
