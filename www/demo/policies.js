// The demo's tenants and people (examples/demo-people.json, the one seed `make demo`, its identity
// provider and `make worker` share) and which example policy runs at which tenant: product A at
// `acme`, product B at `globex`, behind one worker (POLICY + TENANT_POLICIES) and one origin.
import { readFileSync } from "node:fs";

const EXAMPLES = new URL("../../examples/", import.meta.url);

/** `[{ tenant, product, label, users: [{ id, name, email, roles, account }] }]`, `account` a seed scenario. */
export const DEMO_PEOPLE = JSON.parse(readFileSync(new URL("demo-people.json", EXAMPLES), "utf8")).tenants;

/**
 * The demo's policy documents, one per tenant: `text` the example file as written (what origin stores as the
 * tenant's first version), `policy` parsed. `overrides` (by tenant) are merged over the example's top level,
 * e.g. `{ globex: { invitationTtl: "2s" } }` for tests (the text is then the merged document's).
 * @returns {{ tenant: string, product: string, label: string, policy: object, text: string }[]}
 */
export function loadDemoPolicies(overrides = {}) {
  return DEMO_PEOPLE.map(({ tenant, product, label }) => {
    const file = readFileSync(new URL(`${product}.json`, EXAMPLES), "utf8");
    const policy = { ...JSON.parse(file), ...overrides[tenant] };
    return { tenant, product, label, policy, text: overrides[tenant] ? `${JSON.stringify(policy, null, 2)}\n` : file };
  });
}
