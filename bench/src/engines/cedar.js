/**
 * Cedar (cedar-wasm): one `permit` per role over the actions `feature:level` it reaches, roles as entity
 * ancestors (includes as parents), the policy set parsed once (`preparsePolicySet`) and decisions with
 * `statefulIsAuthorized`, each user's entity slice built once and cached.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { readPolicy } from "../policy-doc.js";
import { composeGrant, subjectColumns } from "./kit.js";

const POLICY_SET_ID = "rolegate-bench";
const RESOURCE = { type: "App", id: "console" };
const uid = (type, id) => ({ type, id });

/** Throws on a cedar failure answer (never read as a denial). */
function unwrap(answer) {
  if (answer.type !== "success") throw new Error(`cedar: ${JSON.stringify(answer.errors)}`);
  return answer;
}

/** @type {import("./kit.js").Engine} */
export default {
  label: "Cedar (cedar-wasm)",
  pkg: "@cedar-policy/cedar-wasm",
  // Node 20: hot loops calling cedar-wasm hit "unreachable code" in V8's deoptimizer without this.
  flags: ["--no-turbo-inline-js-wasm-calls"],
  grantNote: "composed: `statefulIsAuthorized` per feature and level, held roles as `principal in resource`",
  browserEntry: "@cedar-policy/cedar-wasm/web",
  browserWasm: "@cedar-policy/cedar-wasm/web/cedar_wasm_bg.wasm",
  async load(text) {
    const t = readPolicy(JSON.parse(text));
    const levels = Object.fromEntries(t.features.map((f) => [f.name, f.levels]));
    const q = JSON.stringify;
    const policies = t.roles.flatMap((r) => {
      const actions = r.grants.flatMap(([f, top]) => levels[f].slice(1, top + 1).map((l) => `Action::${q(`${f}:${l}`)}`));
      return actions.length ? [`permit(principal in Role::${q(r.name)}, action in [${actions.join(", ")}], resource);`] : [];
    });
    policies.push('permit(principal, action == Action::"grant", resource is Role) when { principal in resource };');
    unwrap(cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: policies.join("\n") }));
    const roleEntity = Object.fromEntries(t.roles.map((r) => [r.name,
      { uid: uid("Role", r.name), attrs: {}, parents: r.includes.map((i) => uid("Role", i)) }]));
    const subjectOf = (u) => ({
      principal: uid("User", u.id),
      entities: [
        { uid: uid("User", u.id), attrs: {}, parents: u.roles.map((r) => uid("Role", r)) },
        ...[...new Set(u.roles.flatMap((r) => t.closure[r]))].map((r) => roleEntity[r]),
      ],
    });
    const ask = (s, action, resource) => unwrap(cedar.statefulIsAuthorized({
      principal: s.principal, action, resource, context: {}, preparsedPolicySetId: POLICY_SET_ID, entities: s.entities,
    })).response.decision === "allow";
    const cols = subjectColumns(subjectOf);
    return {
      ...cols,
      decisions: (reqs, users) => {
        const [s, f, l] = cols.decisions(reqs, users);
        return [s, f.map((feature, i) => uid("Action", `${feature}:${l[i]}`)), f.map(() => RESOURCE)];
      },
      decide: ask,
      grant: composeGrant(text, (s, f, l) => ask(s, uid("Action", `${f}:${l}`), RESOURCE),
        (s, role) => ask(s, uid("Action", "grant"), uid("Role", role))),
    };
  },
};
