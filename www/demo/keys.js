// The demo's invitation key and the edge's policy-read key: random on first start, kept in the data directory
// (mode 0600) so invitation links survive a restart. Never committed, never logged, never sent in a response.
// (Sign-in keys are the identity provider's: provider.js.)
import { randomBytes } from "node:crypto";
import { openStore } from "./store.js";

/**
 * `policyReadKey`: the bearer token the edge reads tenant policies from origin with (its POLICY_TOKEN); added to
 * a data directory made before it existed.
 * @returns {{ inviteKid: string, inviteKey: string, policyReadKey: string }}
 */
export function loadDemoKeys(dataDir) {
  const secret = () => randomBytes(32).toString("base64url");
  const store = openStore(dataDir, "keys.json", () => ({ inviteKid: "demo-invite-1", inviteKey: secret() }));
  if (!store.doc.policyReadKey) {
    store.doc.policyReadKey = secret();
    store.save();
  }
  return store.doc;
}
