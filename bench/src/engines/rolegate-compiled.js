/**
 * rolegate's fast path: role sets compiled once (cached per distinct set, as a worker caches per user),
 * feature and level ids resolved once, then `roleSet.allows(f, l)` and `policy.allowsGrant(...)` (a new user's
 * target is `compileRoles([])`: the package takes no `undefined` there, unlike docs/js-api.md).
 */
import init, { Policy } from "rolegate";
import { columns } from "./kit.js";

/** @type {import("./kit.js").Engine} */
export default {
  label: "rolegate (compiled)",
  pkg: "rolegate",
  flags: [],
  grantNote: "built in: `allowsGrant` on compiled sets",
  browserWasm: "rolegate/browser/rolegate_bg.wasm",
  async load(text) {
    await init();
    const policy = Policy.fromJson(text);
    const sets = new Map();
    const set = (roles) => {
      const key = [...roles].sort().join("\n");
      return sets.get(key) ?? sets.set(key, policy.compileRoles(roles)).get(key);
    };
    return {
      policy,
      decisions: (reqs, users) =>
        columns(reqs, (r) => set(users[r.user].roles), (r) => policy.featureId(r.feature), (r) => policy.levelId(r.feature, r.level)),
      decide: (roleSet, feature, level) => roleSet.allows(feature, level),
      grants: (reqs, users) =>
        columns(reqs, (r) => set(users[r.actor].roles), (r) => set(r.target < 0 ? [] : users[r.target].roles),
          (r) => set(r.roles), (r) => r.target === r.actor),
      grant: (actor, target, requested, sameUser) => policy.allowsGrant(actor, target, requested, sameUser),
    };
  },
};
