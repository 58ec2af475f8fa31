// The demo's invitation key: random on first start, kept in the data directory (mode 0600) so invitation
// links survive a restart. Never committed, never logged, never sent in a response. (Sign-in keys are
// the identity provider's: provider.js.)
import { randomBytes } from "node:crypto";
import { openStore } from "./store.js";

/** @returns {{ inviteKid: string, inviteKey: string }} */
export function loadDemoKeys(dataDir) {
  return openStore(dataDir, "keys.json", () => ({
    inviteKid: "demo-invite-1",
    inviteKey: randomBytes(32).toString("base64url"),
  })).doc;
}
