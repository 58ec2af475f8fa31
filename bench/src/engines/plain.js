/**
 * The floor: a hand-written JS implementation of the same rules with object lookups and `Math.max`, role names
 * in, nothing compiled per user. What a JS caller could reach without any library.
 */
import { foldedLevels, readPolicy } from "../policy-doc.js";
import { columns } from "./kit.js";

/** @type {import("./kit.js").Engine} */
export default {
  label: "plain JS (floor)",
  pkg: null,
  flags: [],
  grantNote: "hand-written",
  async load(text) {
    const t = readPolicy(JSON.parse(text));
    const roleLevels = Object.fromEntries(t.roles.map((r) => [r.name, foldedLevels(t, r.name)]));
    const holds = Object.fromEntries(t.roles.map((r) => [r.name, Object.fromEntries(t.closure[r.name].map((n) => [n, true]))]));
    const featureNames = t.features.map((f) => f.name);
    const adminFeature = t.admin.feature;
    const adminLevel = t.levelOf[adminFeature][t.admin.level];
    const level = (roles, feature) => {
      let best = 0;
      for (const role of roles) best = Math.max(best, roleLevels[role][feature]);
      return best;
    };
    const held = (roles, role) => {
      for (const r of roles) if (holds[r][role] === true) return true;
      return false;
    };
    /** `grantRule: "covered"`: the roles reach, feature by feature, everything `role` gives. */
    const covered = t.rule === "covered";
    const covers = (roles, role) => {
      for (const f of featureNames) if (roleLevels[role][f] > level(roles, f)) return false;
      return true;
    };
    return {
      decisions: (reqs, users) => columns(reqs, (r) => users[r.user].roles, (r) => r.feature, (r) => r.level),
      decide: (roles, feature, lvl) => level(roles, feature) >= t.levelOf[feature][lvl],
      grants: (reqs, users) => columns(reqs, (r) => users[r.actor], (r) => (r.target < 0 ? null : users[r.target]), (r) => r.roles),
      grant(actor, target, roles) {
        if (level(actor.roles, adminFeature) < adminLevel) return false;
        if (target !== null) {
          if (target.id === actor.id) return false;
          for (const f of featureNames) if (level(target.roles, f) > level(actor.roles, f)) return false;
        }
        for (const role of roles) {
          if (target !== null && target.roles.includes(role)) continue;
          if (!(covered ? covers(actor.roles, role) : held(actor.roles, role))) return false;
        }
        return true;
      },
    };
  },
};
