// Demo signing keys: random on first start, kept in the data directory (mode 0600) so invitation
// links and tokens survive a restart. Never committed, never logged, never sent in a response.
import { randomBytes } from "node:crypto";
import { openStore } from "./store.js";

/** @returns {{ authKid: string, authKeys: Record<string, string>, inviteKid: string, inviteKey: string }} */
export function loadDemoKeys(dataDir) {
  const secret = () => randomBytes(32).toString("base64url");
  return openStore(dataDir, "keys.json", () => ({
    authKid: "demo-auth-1",
    authKeys: { "demo-auth-1": secret() },
    inviteKid: "demo-invite-1",
    inviteKey: secret(),
  })).doc;
}
