/**
 * CASL: one `createMongoAbility` per user from the rules of the roles they hold (CASL has no role hierarchy,
 * so a role's rules carry its includes), cached per user; decisions are `ability.can(level, feature)`.
 */
import { createMongoAbility } from "@casl/ability";
import { foldedLevels, readPolicy } from "../policy-doc.js";
import { composeGrant, subjectColumns } from "./kit.js";

/** @type {import("./kit.js").Engine} */
export default {
  label: "CASL",
  pkg: "@casl/ability",
  flags: [],
  grantNote: "composed: `can` per feature and level, held roles as `can('grant', 'role:R')`",
  async load(text) {
    const t = readPolicy(JSON.parse(text));
    const rulesOf = Object.fromEntries(t.roles.map((r) => {
      const levels = foldedLevels(t, r.name);
      return [r.name, [
        ...t.features.filter((f) => levels[f.name] > 0)
          .map((f) => ({ action: f.levels.slice(1, levels[f.name] + 1), subject: f.name })),
        { action: "grant", subject: t.closure[r.name].map((n) => `role:${n}`) },
      ]];
    }));
    const can = (ability, feature, level) => ability.can(level, feature);
    const cols = subjectColumns((u) => createMongoAbility(u.roles.flatMap((r) => rulesOf[r])));
    return {
      ...cols,
      decide: can,
      grant: composeGrant(text, can, (ability, role) => ability.can("grant", `role:${role}`)),
    };
  },
};
