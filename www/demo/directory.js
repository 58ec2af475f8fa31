// The demo's user directory: the origin's store (`<dataDir>/store.json`, seeded on first start) with each
// tenant's users and its policy's versions. The origin serves and changes it; the identity provider signs
// people in from it, so a token carries the roles a person holds at sign-in, not the ones of the first start.
import { createHash } from "node:crypto";
import { Policy } from "rolegate";
import { canonicalJson } from "../../worker/src/policy-edit.js";
import { openStore } from "./store.js";
import { seedStore } from "./seed.js";

/**
 * A stored version of a tenant's policy: the document as it was sent (`text`), its content hash (the one the
 * edge's decision log carries), who saved it and when; `restores`: the earlier version it brought back (same hash).
 * @typedef {{ version: number, text: string, hash: string, savedBy: string | null, savedAt: number, restores?: number }} PolicyVersion
 */

/**
 * @param {{ dataDir: string, tenants: { tenant: string, product: string, label: string, policy: object, text?: string }[],
 *           now?: () => number }} options  `now`: the clock of account statuses and invitations; `tenants`: the
 *   policies a tenant starts with (its version 1: `text`, else the document written out)
 */
export function openDirectory({ dataDir, tenants, now = Date.now }) {
  const compiled = new Map(tenants.map((t) => [t.tenant, { ...t, compiled: Policy.fromJson(t.policy) }]));
  const store = openStore(dataDir, "store.json",
    () => seedStore([...compiled.values()].map((t) => ({ ...t, policy: t.compiled })), now()));
  const versionsOf = (tenant) => store.doc.tenants[tenant].policies;
  const current = (tenant) => versionsOf(tenant).at(-1);
  /** Makes `version` the tenant's current policy: what the origin's checks and the sign-in read from now on. */
  const install = (tenant, version) => {
    const doc = JSON.parse(version.text);
    compiled.set(tenant, { ...compiled.get(tenant), policy: doc, compiled: Policy.fromJson(version.text) });
  };
  // A store from before policies were stored (or a tenant added since) starts at the example's document.
  let seeded = false;
  for (const { tenant, policy, text = `${JSON.stringify(policy, null, 2)}\n` } of tenants) {
    const data = store.doc.tenants[tenant];
    if (!data) continue;
    if (!data.policies?.length) {
      data.policies = [{ version: 1, text, hash: contentHashSync(text), savedBy: null, savedAt: now() }];
      seeded = true;
    }
    install(tenant, current(tenant));
  }
  if (seeded) store.save();
  const mayAccess = (tenant, user) => compiled.get(tenant).compiled.accountStatus(user.account, now()).canAccessTenant;
  const tenantsOf = () => Object.entries(store.doc.tenants).filter(([tenant]) => compiled.has(tenant));
  return {
    dataDir,
    store,
    compiled,
    now,
    /**
     * Who may sign in now (an account that can access its tenant), with the tenant: user ids are the
     * tokens' `sub`, unique across tenants. `null` for anyone else.
     * @returns {{ tenant: string, user: { id: string, name: string, email: string, roles: string[] } } | null}
     */
    signInAccount(id) {
      for (const [tenant, { users }] of tenantsOf()) {
        const user = users.find((u) => u.id === id);
        if (user) return mayAccess(tenant, user) ? { tenant, user } : null;
      }
      return null;
    },
    /** The people who may sign in now, by tenant: what the provider's sign-in page lists. */
    signInList() {
      return tenantsOf().map(([tenant, { users }]) => ({
        tenant, label: compiled.get(tenant).label, users: users.filter((u) => mayAccess(tenant, u)),
      }));
    },
    /** The tenant's policy versions, oldest first (the last is the current one). @returns {PolicyVersion[]} */
    policyVersions: versionsOf,
    /** The current version and its ETag. */
    currentPolicy(tenant) {
      const version = current(tenant);
      return { ...version, etag: etagOf(version) };
    },
    /**
     * Stores `text` (a document that compiled) as the tenant's next version, current at once.
     * @returns {PolicyVersion & { etag: string }}
     */
    savePolicy(tenant, text, savedBy) {
      const hash = contentHashSync(text);
      const versions = versionsOf(tenant);
      // Bringing back an earlier document (not saving the current one again) restores that version.
      const restores = hash === current(tenant).hash ? undefined : versions.findLast((v) => v.hash === hash)?.version;
      const version = { version: current(tenant).version + 1, text, hash, savedBy, savedAt: now(), ...(restores && { restores }) };
      versions.push(version);
      store.save();
      install(tenant, version);
      return { ...version, etag: etagOf(version) };
    },
  };
}

/** A version's ETag: its number and hash, so a store started afresh never reuses an old tag for another document. */
const etagOf = ({ version, hash }) => `"${version}.${hash.slice("sha256:".length, "sha256:".length + 16)}"`;

/** `contentHash` of worker/src/policy-edit.js, with Node's synchronous SHA-256 over the same text. */
function contentHashSync(text) {
  return `sha256:${createHash("sha256").update(canonicalJson(text)).digest("hex")}`;
}
