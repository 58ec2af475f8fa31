/** rolegate's by-name API: role names in, `allows` and `checkGrant` per call. */
import init, { Policy } from "rolegate";
import { columns } from "./kit.js";

/** @type {import("./kit.js").Engine} */
export default {
  label: "rolegate (by name)",
  pkg: "rolegate",
  flags: [],
  grantNote: "built in: `checkGrant`",
  browserWasm: "rolegate/browser/rolegate_bg.wasm",
  async load(text) {
    await init();
    const policy = Policy.fromJson(text);
    return {
      policy,
      /** Another compile of the same policy with other options (the benchmark's cache-miss figure). */
      policyWith: (options) => Policy.fromJson(text, options),
      decisions: (reqs, users) => columns(reqs, (r) => users[r.user].roles, (r) => r.feature, (r) => r.level),
      decide: (roles, feature, level) => policy.allows(roles, feature, level),
      grants: (reqs, users) => columns(reqs, (r) => users[r.actor], (r) => (r.target < 0 ? null : users[r.target]), (r) => r.roles),
      grant: (actor, target, roles) => policy.checkGrant({ actor, target, roles }).allowed,
    };
  },
};
