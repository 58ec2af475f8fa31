/**
 * What the adapters share: column-wise request preparation (so the timed loop only indexes arrays) and the
 * grant check a user of a library without one composes from two of its primitives.
 */
import { foldedLevels, readPolicy } from "../policy-doc.js";

/**
 * @typedef {object} Engine
 * @property {string} label       name in the tables
 * @property {string} pkg         npm package whose version is reported
 * @property {string[]} flags     Node flags this engine's child process runs with
 * @property {string} grantNote   how the grant check is done
 * @property {string} [browserEntry]  module a browser imports instead of the Node one (bundle size)
 * @property {string} [browserWasm]   wasm file a browser downloads besides the bundle, relative to node_modules
 * @property {(text: string, users: User[]) => Promise<Instance>} load  policy text to a ready engine
 *
 * @typedef {{ id: string, roles: string[] }} User
 * @typedef {object} Instance
 * @property {(reqs: object[], users: User[]) => any[][]} decisions  requests to argument columns for `decide`
 * @property {(a: any, b: any, c: any) => boolean} decide
 * @property {(reqs: object[], users: User[]) => any[][]} grants     requests to argument columns for `grant`
 * @property {(a: any, b: any, c: any, d: any) => boolean} grant
 */

/** Maps each request through each function: one argument column per function. */
export const columns = (reqs, ...fns) => fns.map((fn) => reqs.map(fn));

/**
 * Decision columns for engines that take a per-user subject (built once per user and cached, as each library's
 * documentation recommends), the feature name and the level name.
 */
export function subjectColumns(subjectOf) {
  const cache = new Map();
  const subject = (u) => cache.get(u.id) ?? cache.set(u.id, { id: u.id, roles: u.roles, s: subjectOf(u) }).get(u.id);
  return {
    subject,
    decisions: (reqs, users) => columns(reqs, (r) => subject(users[r.user]).s, (r) => r.feature, (r) => r.level),
    grants: (reqs, users) =>
      columns(reqs, (r) => subject(users[r.actor]), (r) => (r.target < 0 ? null : subject(users[r.target])), (r) => r.roles),
  };
}

/**
 * The grant check composed from `can(subject, feature, level)` and `mayGrant(subject, role)` (the library's
 * answer to "does this subject hold this role, directly or through inheritance"): the actor administers users,
 * is not changing their own roles, covers the target's access feature by feature (the target's level found by
 * asking `can` from the top level down), and holds every role being added (under `grantRule: "held"`) or covers
 * each one's access with `can`, feature by feature (under `"covered"`).
 */
export function composeGrant(text, can, mayGrant) {
  const t = readPolicy(JSON.parse(text));
  const { feature: adminFeature, level: adminLevel } = t.admin;
  const features = t.features.map((f) => [f.name, f.levels]);
  if (t.rule === "covered") {
    // What each role gives, as (feature, level name) pairs the actor must reach.
    const gives = Object.fromEntries(t.roles.map((r) => {
      const levels = foldedLevels(t, r.name);
      return [r.name, features.filter(([f]) => levels[f] > 0).map(([f, names]) => [f, names[levels[f]]])];
    }));
    mayGrant = (subject, role) => gives[role].every(([f, level]) => can(subject, f, level));
  }
  return (actor, target, roles) => {
    if (!can(actor.s, adminFeature, adminLevel)) return false;
    if (target !== null) {
      if (target.id === actor.id) return false;
      for (const [feature, levels] of features) {
        let l = levels.length - 1;
        while (l > 0 && !can(target.s, feature, levels[l])) l--;
        if (l > 0 && !can(actor.s, feature, levels[l])) return false;
      }
    }
    for (const role of roles) {
      if (target !== null && target.roles.includes(role)) continue;
      if (!mayGrant(actor.s, role)) return false;
    }
    return true;
  };
}
