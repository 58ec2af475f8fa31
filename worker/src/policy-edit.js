// Saving a tenant's policy: who may, and what a new document may not do. One module for the three places
// that judge a save: the edge worker (which enforces it), the demo origin (which enforces it again against its
// own store) and the console (which says so before anything is sent). It imports nothing: every answer comes
// from the package's calls on the two compiled policies (`mayEditPolicy`, `effective`, `features`,
// `takesUserAdmin`, `accountStatus`), which every build has (the edge's has no `Policy.diff`; `editorGains` is
// its user part), and every refusal is worded from the policy's message catalog (`describe`). Who counts as an
// enabled user (`enabledUsers`) is shared with the last-administrator rule of user changes.

/** The largest policy document accepted, in bytes (at the edge and at origin). */
export const MAX_POLICY_BYTES = 256 * 1024;

/**
 * @typedef {{ code: string, message: string, feature?: string, from?: string, to?: string, needed?: string }} Refusal
 * @typedef {{ id: string, roles: string[], account?: object | null }} Member
 */

/**
 * Why `editor` may not replace `before` with `after`, or [] when they may:
 * - `not_policy_admin`: the current policy's `policyAdmin` (a full administrator when it names none) is not held;
 * - `editor_gains`: the editor's access would rise on a feature (one reason per feature), as `Policy.diff`'s
 *   `user_gains` for the editor says;
 * - `no_user_admin` (with the new `userAdmin` as `feature` and `needed`): the core's last administrator, under
 *   the new document, for the whole tenant: no enabled user (`enabledUsers`) would hold its `userAdmin`.
 * Role names a policy does not know grant nothing. Messages come from each policy's catalog (`describe`).
 * @param {{ before: any, after: any, afterDoc: { userAdmin: { feature: string, level: string } },
 *   editor: Member, users: Member[], now: number }} save  `afterDoc`: the new document, parsed
 * @returns {Refusal[]}
 */
export function policyEditRefusals({ before, after, afterDoc, editor, users, now }) {
  const refusals = [];
  if (!before.mayEditPolicy(editor.roles)) refusals.push(refusal(before, { code: "not_policy_admin" }));
  for (const gain of editorGains(before, after, editor.roles)) refusals.push(refusal(after, { code: "editor_gains", ...gain }));
  // A user holds userAdmin when removing them would take it away (the core's reading: unknown names grant nothing).
  if (!enabledUsers(after, users, now).some((u) => after.takesUserAdmin("remove", { target: u }))) {
    const { feature, level } = afterDoc.userAdmin;
    refusals.push(refusal(after, { code: "no_user_admin", feature, needed: level }));
  }
  return refusals;
}

/** A refusal with its parameters, worded by the policy's message catalog. */
function refusal(policy, { code, ...params }) {
  return { code, message: policy.describe({ code, ...params }), ...params };
}

/**
 * The users who may use the tenant now: no account record (the route map names none), or a record the policy
 * reads as able to (`canAccessTenant`); an unreadable one cannot. They are the tenant's "other enabled users"
 * the last-administrator rule counts (`others` of `policy.check`), and whom a saved policy must leave one
 * holding `userAdmin`.
 * @template {Member} M
 * @param {M[]} users
 * @returns {M[]}
 */
export function enabledUsers(policy, users, now) {
  return users.filter((user) => {
    if (user.account == null) return true;
    try {
      return policy.accountStatus(user.account, now).canAccessTenant;
    } catch {
      return false;
    }
  });
}

/**
 * Each feature of both policies on which `roles` rise from `before` to `after`: `Policy.diff`'s `user_gains`
 * rule (the same level name is no move; otherwise the old level's place in the new order, or its index when
 * the new order has no such name).
 * @returns {{ feature: string, from: string, to: string }[]}
 */
export function editorGains(before, after, roles) {
  const was = before.effective(known(before, roles));
  const now = after.effective(known(after, roles));
  const old = new Map(before.features().map((f) => [f.name, f.levels]));
  const gains = [];
  for (const { name, levels } of after.features()) {
    if (!old.has(name) || was[name] === now[name]) continue;
    const place = levels.indexOf(was[name]);
    if (levels.indexOf(now[name]) > (place < 0 ? old.get(name).indexOf(was[name]) : place)) {
      gains.push({ feature: name, from: was[name], to: now[name] });
    }
  }
  return gains;
}

/** Role names by policy, read once. */
const roleNames = new WeakMap();

/** The names of `roles` that `policy` knows (the others grant nothing). */
function known(policy, roles) {
  if (!roleNames.has(policy)) roleNames.set(policy, new Set(policy.roles().map((r) => r.name)));
  return roles.filter((r) => roleNames.get(policy).has(r));
}

/**
 * SHA-256 of a policy document's compact JSON: the same document hashes alike however it is formatted
 * (`sha256:<hex>`), at the edge (the decision log), at origin (its versions) and in the console.
 * @param {string | object} doc
 */
export async function contentHash(doc) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(doc)));
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The text `contentHash` hashes. */
export function canonicalJson(doc) {
  return JSON.stringify(typeof doc === "string" ? JSON.parse(doc) : doc);
}

/**
 * How an `If-Match` header compares with the current ETag: "missing" (absent, or `*`, which says nothing of the
 * version edited), "match" (strong comparison, any tag of a list), or "mismatch".
 * @param {string | null | undefined} header
 * @param {string} etag the current ETag, quoted
 * @returns {"missing" | "match" | "mismatch"}
 */
export function ifMatch(header, etag) {
  const value = header?.trim();
  if (!value || value === "*") return "missing";
  const tags = value.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.includes(etag) ? "match" : "mismatch";
}
