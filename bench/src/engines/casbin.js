/**
 * casbin: the RBAC model with a role hierarchy (`g = _, _`), one `p` line per role, feature and level at or
 * below the granted one, `g` lines for includes and user memberships, decisions with `enforceSync`.
 */
import { newEnforcer, newModelFromString } from "casbin";
import { readPolicy } from "../policy-doc.js";
import { composeGrant, subjectColumns } from "./kit.js";

const MODEL = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;

/** @type {import("./kit.js").Engine} */
export default {
  label: "casbin",
  pkg: "casbin",
  flags: [],
  grantNote: "composed: `enforceSync` per feature and level, held roles as `p, R, role:R, grant`",
  async load(text, users) {
    const t = readPolicy(JSON.parse(text));
    const enforcer = await newEnforcer(newModelFromString(MODEL));
    const levels = Object.fromEntries(t.features.map((f) => [f.name, f.levels]));
    await enforcer.addPolicies(t.roles.flatMap((r) => [
      ...r.grants.flatMap(([f, top]) => levels[f].slice(1, top + 1).map((l) => [r.name, f, l])),
      [r.name, `role:${r.name}`, "grant"],
    ]));
    await enforcer.addGroupingPolicies([
      ...t.roles.flatMap((r) => r.includes.map((inc) => [r.name, inc])),
      ...users.flatMap((u) => u.roles.map((r) => [u.id, r])),
    ]);
    const can = (id, feature, level) => enforcer.enforceSync(id, feature, level);
    const cols = subjectColumns((u) => u.id);
    return {
      ...cols,
      decide: can,
      grant: composeGrant(text, can, (id, role) => enforcer.enforceSync(id, `role:${role}`, "grant")),
    };
  },
};
