/**
 * Reads a rolegate policy document (version 1) into plain tables: what every non-rolegate adapter translates
 * into its own library's vocabulary. Handles exactly what the benchmark policies use: feature levels, role
 * grants (including `"*": "max"`), `includes`, `userAdmin`, and the grant rule (`held` or `covered`).
 */

/**
 * @typedef {{ name: string, levels: string[] }} Feature
 * @typedef {{ name: string, includes: string[], grants: [feature: string, level: number][] }} Role
 * @typedef {{ features: Feature[], levelOf: Record<string, Record<string, number>>, roles: Role[],
 *             closure: Record<string, string[]>, admin: { feature: string, level: string },
 *             rule: "held" | "covered" }} PolicyTables
 */

/** @param {object} doc a parsed policy document  @returns {PolicyTables} */
export function readPolicy(doc) {
  const features = Object.entries(doc.features).map(([name, f]) => ({ name, levels: f.levels }));
  const levelOf = Object.fromEntries(features.map((f) => [f.name, Object.fromEntries(f.levels.map((l, i) => [l, i]))]));
  const roles = Object.entries(doc.roles).map(([name, r]) => ({
    name,
    includes: r.includes ?? [],
    grants: Object.entries(r.grants ?? {}).flatMap(([feature, level]) =>
      feature === "*" ? features.map((f) => [f.name, f.levels.length - 1]) : [[feature, levelOf[feature][level]]]),
  }));
  const byName = Object.fromEntries(roles.map((r) => [r.name, r]));
  const closure = {};
  const close = (name) => (closure[name] ??= [...new Set([name, ...byName[name].includes.flatMap(close)])]);
  roles.forEach((r) => close(r.name));
  return { features, levelOf, roles, closure, admin: doc.userAdmin, rule: doc.grantRule ?? "covered" };
}

/**
 * Winning level per feature of one role with its includes folded in, every feature present.
 * @param {PolicyTables} t  @param {string} role  @returns {Record<string, number>}
 */
export function foldedLevels(t, role) {
  const levels = Object.fromEntries(t.features.map((f) => [f.name, 0]));
  const byName = Object.fromEntries(t.roles.map((r) => [r.name, r]));
  for (const held of t.closure[role]) {
    for (const [feature, level] of byName[held].grants) levels[feature] = Math.max(levels[feature], level);
  }
  return levels;
}
