// Shared test data: the example policies, distinctive test secrets (so a leak is easy to spot),
// users by tenant, and token helpers built on the package's own Keyring.
import { Keyring } from "rolegate";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const example = (name) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), "utf8"));
export const PRODUCT_A = example("product-a");
export const PRODUCT_B = example("product-b");

/** Every test secret starts with this marker: no response or log may ever contain it. */
export const SECRET_MARKER = "SECRET-";
export const AUTH_KEYS = { "auth-2024": `${SECRET_MARKER}auth-2024-0123456789abcdef`, "auth-2025": `${SECRET_MARKER}auth-2025-fedcba9876543210` };
export const INVITE_KEY = `${SECRET_MARKER}invite-0123456789abcdefghij`;
export const INVITE_KID = "invite-1";

/** Product A runs at tenant `acme`, product B at tenant `globex`. */
export const USERS = {
  acme: [
    { id: "alice", email: "alice@acme.test", roles: ["User"] },
    { id: "vera", email: "vera@acme.test", roles: ["ReportViewer"] },
    { id: "carl", email: "carl@acme.test", roles: ["CustomerAdmin"] },
    { id: "mona", email: "mona@acme.test", roles: ["UserManager", "User"] },
  ],
  globex: [
    { id: "ann", email: "ann@globex.test", roles: ["Agent"] },
    { id: "sam", email: "sam@globex.test", roles: ["Supervisor"] },
    { id: "ada", email: "ada@globex.test", roles: ["Administrator"] },
  ],
};

/** An accepted account, enabled on its tenant (the record origin keeps once an invitation was accepted). */
export const ENABLED = { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1_700_000_000_000, acceptedAt: 1_700_000_360_000 };
/** USERS, each with an `ENABLED` account record: a fresh copy by tenant. */
export const enabledUsers = () => Object.fromEntries(Object.entries(USERS).map(([t, list]) => [t, list.map((u) => ({ ...structuredClone(u), account: ENABLED }))]));

/** The worker config the suites share: product A by default, product B at globex. */
export const baseSpec = (origin, extra = {}) => ({
  origin,
  policy: PRODUCT_A,
  tenantPolicies: { globex: PRODUCT_B },
  authKeys: AUTH_KEYS,
  inviteKey: INVITE_KEY,
  inviteKid: INVITE_KID,
  ...extra,
});

export const actorKeys = new Keyring(AUTH_KEYS, {});
export const inviteKeys = new Keyring({ [INVITE_KID]: INVITE_KEY }, {});

/** A valid actor token (exp in 10 minutes) for `user` of `tenant`; claims and kid can be overridden. */
export function tokenFor(tenant, id, { kid = "auth-2025", keyring = actorKeys, ...claims } = {}) {
  const user = USERS[tenant]?.find((u) => u.id === id);
  const now = Math.floor(Date.now() / 1000);
  return keyring.signActor({ sub: id, tenant, roles: user?.roles ?? [], exp: now + 600, ...claims }, kid);
}

/** A hand-made HS-family JWT, for algorithm and header tampering cases the Keyring never signs. */
export function rawJwt(header, payload, { secret = AUTH_KEYS["auth-2025"], alg = "sha256", signature } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signature ?? createHmac(alg, secret).update(input).digest("base64url")}`;
}
