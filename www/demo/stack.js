// The demo stack: the demo origin, the edge worker on workerd in front of it (product A's policy at
// `acme`, product B's at `globex`), and the console served through the worker: one URL for all.
import { startWorker } from "../../worker/test/harness.js";
import { startOrigin } from "./origin.js";
import { loadDemoPolicies } from "./policies.js";

/**
 * @param {{ dataDir: string, port?: number, overrides?: Record<string, object> }} options
 *   `port`: the worker's (the URL to open; 0 picks one); `overrides`: policy fields by tenant.
 */
export async function startStack({ dataDir, port = 0, overrides = {} }) {
  const tenants = loadDemoPolicies(overrides);
  const origin = await startOrigin({ dataDir, tenants });
  let worker;
  try {
    worker = await startWorker({
      policy: tenants[0].policy,
      tenantPolicies: Object.fromEntries(tenants.map((t) => [t.tenant, t.policy])),
      origin: origin.url,
      authKeys: origin.keys.authKeys,
      inviteKey: { [origin.keys.inviteKid]: origin.keys.inviteKey },
      port,
    });
  } catch (err) {
    await origin.close();
    throw err;
  }
  return {
    url: worker.url.replace(/\/$/, ""),
    tenants,
    origin,
    stop: async () => {
      await worker.stop();
      await origin.close();
    },
  };
}
