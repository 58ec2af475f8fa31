/**
 * accesscontrol: grants as a flat list, one `read:any` resource per feature and level at or below the granted
 * one, includes as `$extend`; decisions are `ac.can(userRoles).readAny(resource).granted`.
 */
import { AccessControl } from "accesscontrol";
import { readPolicy } from "../policy-doc.js";
import { composeGrant, subjectColumns } from "./kit.js";

const resource = (feature, level) => `${feature}_${level}`;

/** @type {import("./kit.js").Engine} */
export default {
  label: "accesscontrol",
  pkg: "accesscontrol",
  flags: [],
  grantNote: "composed: `can().readAny()` per feature and level, held roles as resource `role_R`",
  async load(text) {
    const t = readPolicy(JSON.parse(text));
    const levels = Object.fromEntries(t.features.map((f) => [f.name, f.levels]));
    const row = (role, res) => ({ role, resource: res, action: "read:any", attributes: ["*"] });
    const ac = new AccessControl([
      ...t.roles.flatMap((r) => [
        ...r.grants.flatMap(([f, top]) => levels[f].slice(1, top + 1).map((l) => row(r.name, resource(f, l)))),
        row(r.name, `role_${r.name}`),
      ]),
      ...t.roles.filter((r) => r.includes.length > 0).map((r) => ({ role: r.name, $extend: r.includes })),
    ]);
    const can = (roles, feature, level) => ac.can(roles).readAny(resource(feature, level)).granted;
    const cols = subjectColumns((u) => u.roles);
    return {
      ...cols,
      decide: can,
      grant: composeGrant(text, can, (roles, role) => ac.can(roles).readAny(`role_${role}`).granted),
    };
  },
};
