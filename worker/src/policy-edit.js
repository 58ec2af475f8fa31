// Saving a tenant's policy: who may, and what a new document may not do. One module for the three places
// that judge a save: the edge worker (which enforces it), the demo origin (which enforces it again against its
// own store) and the console (which says so before anything is sent). It imports nothing: every answer comes
// from the package's calls on the two compiled policies (`mayEditPolicy`, `effective`, `features`, `allows`,
// `accountStatus`), which every build has (the edge's has no `Policy.diff`; `editorGains` is its user part).

/** The largest policy document accepted, in bytes (at the edge and at origin). */
export const MAX_POLICY_BYTES = 256 * 1024;

/**
 * @typedef {{ code: string, message: string, feature?: string, from?: string, to?: string }} Refusal
 * @typedef {{ id: string, roles: string[], account?: object | null }} Member
 */

/**
 * Why `editor` may not replace `before` with `after`, or [] when they may:
 * - `not_policy_admin`: the current policy's `policyAdmin` (a full administrator when it names none) is not held;
 * - `editor_gains`: the editor's access would rise on a feature (one reason per feature), as `Policy.diff`'s
 *   `user_gains` for the editor says;
 * - `no_user_admin`: no user who may use the tenant would hold the new document's `userAdmin`.
 * Role names a policy does not know grant nothing. A user without an `account` record counts as enabled.
 * @param {{ before: any, after: any, afterDoc: { userAdmin: { feature: string, level: string } },
 *   editor: Member, users: Member[], now: number }} save  `afterDoc`: the new document, parsed
 * @returns {Refusal[]}
 */
export function policyEditRefusals({ before, after, afterDoc, editor, users, now }) {
  const refusals = [];
  if (!before.mayEditPolicy(editor.roles)) {
    refusals.push({ code: "not_policy_admin", message: "editing this policy needs its policyAdmin permission (a full administrator when it names none)" });
  }
  for (const gain of editorGains(before, after, editor.roles)) {
    refusals.push({ code: "editor_gains", message: `the editor would gain ${gain.feature}: ${gain.from} → ${gain.to}`, ...gain });
  }
  const { feature, level } = afterDoc.userAdmin;
  if (!users.some((u) => mayUseTenant(after, u, now) && after.allows(known(after, u.roles), feature, level))) {
    refusals.push({ code: "no_user_admin", message: `no enabled user would hold userAdmin (${feature}: ${level}) under the new policy` });
  }
  return refusals;
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

/** True when the user's account may use the tenant now (no account record: yes); an unreadable one: no. */
function mayUseTenant(policy, user, now) {
  if (user.account == null) return true;
  try {
    return policy.accountStatus(user.account, now).canAccessTenant;
  } catch {
    return false;
  }
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
