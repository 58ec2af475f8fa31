// The demo stack: the identity provider (oidc-provider), the demo origin, the edge worker on workerd in
// front of it (product A's policy at `acme`, product B's at `globex`, stored at origin with their versions
// and read from there: POLICY_SOURCE=origin; it finds the provider's keys through AUTH_ISSUER), and the
// console served through the worker: one URL for all. workerd keeps
// the invitation ledger (a Durable Object) in `<dataDir>/ledger`, and the decision lines it prints
// are collected into `<dataDir>/decisions.jsonl` for the console.
import { join } from "node:path";
import { startWorker } from "../../worker/test/harness.js";
import { openDecisionLog } from "./decisions.js";
import { openDirectory } from "./directory.js";
import { startOrigin } from "./origin.js";
import { loadDemoPolicies } from "./policies.js";
import { ADMIN_AUDIENCE, CONSOLE_CLIENT, startDemoProvider } from "./provider.js";

/**
 * @param {{ dataDir: string, port?: number, providerPort?: number, overrides?: Record<string, object> }} options
 *   `port`: the worker's (the URL to open; 0 picks one); `providerPort`: the identity provider's (its
 *   issuer URL; 0 picks one); `overrides`: policy fields by tenant
 * @returns {Promise<{ url: string, issuer: string, tenants: object[], origin: object, decisions: object,
 *   restartWorker(): Promise<void>, stop(): Promise<void> }>} `restartWorker` stops workerd and starts
 *   it again on the same port and data (as after a crash or a deployment)
 */
export async function startStack({ dataDir, port = 0, providerPort = 0, overrides = {} }) {
  const tenants = loadDemoPolicies(overrides);
  const decisions = openDecisionLog(dataDir);
  const directory = openDirectory({ dataDir, tenants });
  const stops = [];
  const stop = async () => { for (const close of stops.reverse()) await close(); };
  try {
    const provider = await startDemoProvider({ port: providerPort });
    stops.push(provider.close);
    const origin = await startOrigin({ directory, decisions,
      signIn: { issuer: provider.issuer, audience: ADMIN_AUDIENCE, ...CONSOLE_CLIENT } });
    stops.push(origin.close);
    const spec = {
      origin: origin.url,
      vars: { AUTH_ISSUER: provider.issuer, AUTH_AUDIENCE: ADMIN_AUDIENCE, POLICY_SOURCE: "origin", POLICY_TOKEN: origin.keys.policyReadKey },
      inviteKey: { [origin.keys.inviteKid]: origin.keys.inviteKey },
      ledgerDir: join(dataDir, "ledger"),
      port,
    };
    const start = () => startWorker(spec, { onLine: decisions.add });
    let worker = await start();
    stops.push(() => worker.stop());
    const url = worker.url.replace(/\/$/, "");
    spec.port = Number(new URL(url).port);
    provider.configure({ dataDir, directory, consoleUrl: url });
    return {
      url,
      issuer: provider.issuer,
      tenants,
      origin,
      decisions,
      restartWorker: async () => {
        await worker.stop();
        worker = await start();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
