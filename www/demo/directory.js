// The demo's user directory: the origin's store (`<dataDir>/store.json`, seeded on first start) with
// each tenant's compiled policy. The origin serves and changes it; the identity provider signs people
// in from it, so a token carries the roles a person holds at sign-in, not the ones of the first start.
import { Policy } from "rolegate";
import { openStore } from "./store.js";
import { seedStore } from "./seed.js";

/**
 * @param {{ dataDir: string, tenants: { tenant: string, product: string, label: string, policy: object }[],
 *           now?: () => number }} options  `now`: the clock of account statuses and invitations
 */
export function openDirectory({ dataDir, tenants, now = Date.now }) {
  const compiled = new Map(tenants.map((t) => [t.tenant, { ...t, compiled: Policy.fromJson(t.policy) }]));
  const store = openStore(dataDir, "store.json",
    () => seedStore([...compiled.values()].map((t) => ({ ...t, policy: t.compiled })), now()));
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
  };
}
