// First-start demo data: for each tenant, the people of examples/demo-people.json, covering every role
// and every account status (pending invite, invited, invitation about to expire, expired, enabled,
// disabled, SSO only, tenant-disabled). Times are relative to the first start and the tenant's
// invitation window.
import { randomUUID } from "node:crypto";
import { newAccount } from "rolegate";
import { DEMO_PEOPLE } from "./policies.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Account records by scenario, for a policy whose invitation window is `ttl` ms. */
function accounts(now, ttl) {
  const base = newAccount();
  const accepted = { ...base, invitedAt: now - 30 * DAY, acceptedAt: now - 30 * DAY + HOUR };
  const soon = ttl > 10 * MINUTE ? ttl - 5 * MINUTE : ttl / 2;
  return {
    enabled: accepted,
    pending: base,
    invited: { ...base, invitedAt: now - Math.min(MINUTE, ttl / 2) },
    expiring: { ...base, invitedAt: now - soon },
    expired: { ...base, invitedAt: now - ttl - 3 * HOUR },
    disabled: { ...accepted, platformDisabled: true },
    ssoOnly: { ...accepted, platformAuth: false },
    tenantDisabled: { ...accepted, tenantEnabled: false },
  };
}

/**
 * The first store document. `tenants` are `{ tenant, policy: Policy }`; role names are checked
 * against each policy so a renamed role in an example fails loudly here.
 */
export function seedStore(tenants, now) {
  const doc = { version: 1, seededAt: now, tenants: {} };
  for (const { tenant, policy } of tenants) {
    const byScenario = accounts(now, policy.invitationTtlMs);
    const people = DEMO_PEOPLE.find((t) => t.tenant === tenant)?.users ?? [];
    const users = people.map(({ account: scenario, ...person }) => {
      policy.compileRoles(person.roles).free();
      const account = byScenario[scenario];
      const invited = account.invitedAt !== null && account.acceptedAt === null;
      return { ...person, account, inv: invited ? randomUUID() : null };
    });
    doc.tenants[tenant] = { users };
  }
  return doc;
}
