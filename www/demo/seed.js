// First-start demo data: for each tenant, users covering every role and every account status
// (pending invite, invited, invitation about to expire, expired, enabled, disabled, SSO only,
// tenant-disabled). Times are relative to the first start and the tenant's invitation window.
import { randomUUID } from "node:crypto";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Account records by scenario, for a policy whose invitation window is `ttl` ms. */
function accounts(now, ttl) {
  const base = { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null };
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

/** [id, name, roles, scenario] per product. */
const PEOPLE = {
  "product-a": [
    ["carla", "Carla Admin", ["CustomerAdmin"], "enabled"],
    ["uma", "Uma Manager", ["UserManager", "User"], "enabled"],
    ["rita", "Rita Reports", ["ReportViewer"], "enabled"],
    ["ann", "Ann Baker", ["User"], "invited"],
    ["ian", "Ian Soon", ["User"], "expiring"],
    ["eve", "Eve Late", ["User", "ReportViewer"], "expired"],
    ["pete", "Pete New", ["User"], "pending"],
    ["dan", "Dan Gone", ["User"], "disabled"],
    ["sam", "Sam Single", ["User", "ReportViewer"], "ssoOnly"],
    ["tina", "Tina Away", ["ReportViewer"], "tenantDisabled"],
  ],
  "product-b": [
    ["alice", "Alice Administrator", ["Administrator"], "enabled"],
    ["sue", "Sue Supervisor", ["Supervisor"], "enabled"],
    ["arjun", "Arjun Agent", ["Agent"], "enabled"],
    ["ivy", "Ivy Invited", ["Agent"], "invited"],
    ["hal", "Hal Hurry", ["Supervisor"], "expiring"],
    ["xena", "Xena Expired", ["Agent"], "expired"],
    ["pat", "Pat Pending", ["Agent"], "pending"],
    ["dora", "Dora Disabled", ["Agent"], "disabled"],
    ["otto", "Otto SSO", ["Supervisor"], "ssoOnly"],
    ["tom", "Tom Elsewhere", ["Agent"], "tenantDisabled"],
  ],
};

/**
 * The first store document. `tenants` are `{ tenant, product, policy: Policy }`; role names are
 * checked against each policy so a renamed role in an example fails loudly here.
 */
export function seedStore(tenants, now) {
  const doc = { version: 1, seededAt: now, tenants: {} };
  for (const { tenant, product, policy } of tenants) {
    const byScenario = accounts(now, policy.invitationTtlMs);
    const users = (PEOPLE[product] ?? []).map(([id, name, roles, scenario]) => {
      policy.compileRoles(roles).free();
      const account = byScenario[scenario];
      const invited = account.invitedAt !== null && account.acceptedAt === null;
      return { id, name, email: `${id}@${tenant}.example`, roles, account, inv: invited ? randomUUID() : null };
    });
    doc.tenants[tenant] = { users };
  }
  return doc;
}
