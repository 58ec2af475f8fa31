// Which example policy runs at which demo tenant: product A at `acme`, product B at `globex`,
// behind one worker (POLICY + TENANT_POLICIES) and one origin.
import { readFileSync } from "node:fs";

const EXAMPLES = new URL("../../examples/", import.meta.url);

export const DEMO_TENANTS = [
  { tenant: "acme", product: "product-a", label: "Product A" },
  { tenant: "globex", product: "product-b", label: "Product B" },
];

/**
 * The demo's policy documents, one per tenant. `overrides` (by tenant) are merged over the
 * example's top level, e.g. `{ globex: { invitationTtl: "2s" } }` for tests.
 * @returns {{ tenant: string, product: string, label: string, policy: object }[]}
 */
export function loadDemoPolicies(overrides = {}) {
  return DEMO_TENANTS.map((t) => ({
    ...t,
    policy: { ...JSON.parse(readFileSync(new URL(`${t.product}.json`, EXAMPLES), "utf8")), ...overrides[t.tenant] },
  }));
}
