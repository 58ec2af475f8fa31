/**
 * The benchmark workloads, generated deterministically from a seed so every engine's child process rebuilds
 * exactly the same requests: product A's policy with its users, decisions and grant requests, and the synthetic
 * policies of the scale sweep.
 */
import { readFileSync } from "node:fs";
import { foldedLevels, readPolicy } from "./policy-doc.js";

export const PRODUCT_A_PATH = new URL("../../examples/product-a.json", import.meta.url);

/** mulberry32: a small seeded PRNG, so workloads are identical across processes. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  /** k distinct items of xs (k <= xs.length), in random order. */
  const sample = (xs, k) => {
    const pool = [...xs];
    for (let i = 0; i < k; i++) {
      const j = i + int(pool.length - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, k);
  };
  return { next, int, pick, sample };
}

/**
 * A synthetic policy for the sweep: `features` features of 2 to 4 levels (the first is `users`, the userAdmin
 * feature), `roles` roles each granting 6 random features; every fourth role is composite and includes one or
 * two plain roles (hierarchy depth 2, within casbin's default of 10).
 */
export function syntheticPolicy({ roles, features, seed = 7 }) {
  const r = rng(seed);
  const feats = { users: { levels: ["none", "manage"] } };
  for (let i = 1; i < features; i++) {
    feats[`f${i}`] = { levels: ["none", "read", "write", "admin"].slice(0, 2 + (i % 3)) };
  }
  const names = Object.keys(feats);
  const roleDefs = {};
  const plain = [];
  for (let i = 0; i < roles; i++) {
    const name = `r${i}`;
    const grants = Object.fromEntries(
      r.sample(names, Math.min(6, names.length)).map((f) => [f, feats[f].levels[1 + r.int(feats[f].levels.length - 1)]]));
    const composite = i % 4 === 3 && plain.length > 0;
    roleDefs[name] = composite ? { grants, includes: r.sample(plain, Math.min(plain.length, 1 + r.int(2))) } : { grants };
    if (!composite) plain.push(name);
  }
  return { version: 1, features: feats, roles: roleDefs, grantRule: "held", userAdmin: { feature: "users", level: "manage" } };
}

/** @returns {{ id: string, roles: string[] }[]} users with `min`..`max` distinct roles each */
function makeUsers(r, roleNames, count, min, max) {
  return Array.from({ length: count }, (_, i) => ({
    id: `u${String(i).padStart(4, "0")}`,
    roles: r.sample(roleNames, Math.min(roleNames.length, min + r.int(max - min + 1))),
  }));
}

/**
 * "May user U use feature F at level L" requests (L above no-access). With `biased`, half ask about a feature
 * the user's roles do grant, so sparse synthetic policies still mix allows and denials.
 */
function makeDecisions(r, t, users, count, biased) {
  const granted = (u) => u.roles.flatMap((role) => t.closure[role]).flatMap((role) => t.roles.find((x) => x.name === role).grants.map(([f]) => f));
  const grantedBy = new Map();
  return Array.from({ length: count }, () => {
    const user = r.int(users.length);
    let feature = r.pick(t.features).name;
    if (biased && r.next() < 0.5) {
      if (!grantedBy.has(user)) grantedBy.set(user, granted(users[user]));
      feature = r.pick(grantedBy.get(user)) ?? feature;
    }
    const levels = t.features.find((f) => f.name === feature).levels;
    return { user, feature, level: levels[1 + r.int(levels.length - 1)] };
  });
}

/**
 * Grant requests: mostly user managers editing other users' roles, with self changes, new users and
 * protected targets (a user holding the top role, edited by someone who may not cover them) mixed in.
 */
function makeGrants(r, t, users, count) {
  const roleNames = t.roles.map((x) => x.name);
  const levels = Object.fromEntries(roleNames.map((n) => [n, foldedLevels(t, n)]));
  const isAdmin = (u) => u.roles.some((n) => levels[n][t.admin.feature] >= t.levelOf[t.admin.feature][t.admin.level]);
  const managers = users.flatMap((u, i) => (isAdmin(u) ? [i] : []));
  const top = roleNames.find((n) => t.features.every((f) => levels[n][f.name] === f.levels.length - 1));
  const protectedUsers = users.flatMap((u, i) => (u.roles.includes(top) ? [i] : []));
  const mutate = (roles) => {
    const k = r.next();
    if (k < 0.5 || roles.length === 1) return [...new Set([...roles, r.pick(roleNames)])];
    if (k < 0.75) return roles.filter((x) => x !== r.pick(roles));
    return r.sample(roleNames, 1 + r.int(2));
  };
  return Array.from({ length: count }, () => {
    const actor = r.next() < 0.7 && managers.length ? r.pick(managers) : r.int(users.length);
    const kind = r.next();
    if (kind < 0.1) return { actor, target: actor, roles: mutate(users[actor].roles) };
    if (kind < 0.3) return { actor, target: -1, roles: r.sample(roleNames, 1 + r.int(2)) };
    const target = kind < 0.45 && protectedUsers.length ? r.pick(protectedUsers) : r.int(users.length);
    return { actor, target, roles: mutate(users[target].roles) };
  });
}

/**
 * @typedef {{ kind: "product-a" | "covered" } | { kind: "synthetic", roles: number, features: number, rolesPerUser: number }} Spec
 * @typedef {{ user: number, feature: string, level: string }} DecisionRequest
 * @typedef {{ actor: number, target: number, roles: string[] }} GrantRequest   target -1: a new user
 * @typedef {{ spec: Spec, text: string, users: { id: string, roles: string[] }[], decisions: DecisionRequest[],
 *             grants: GrantRequest[] }} Workload
 */

/** Builds the workload a spec names: policy text (what engines load), users and requests. @returns {Workload} */
export function workload(spec) {
  const seed = { "product-a": 1, covered: 3 }[spec.kind] ?? spec.roles * 7919 + spec.features * 31 + spec.rolesPerUser;
  const r = rng(seed);
  if (spec.kind === "product-a" || spec.kind === "covered") {
    // Covered: product A's roles under `grantRule: "covered"`, where a refusal names each feature the actor
    // lacks for each role being added, so about half the requests are refused with several reasons.
    const doc = JSON.parse(readFileSync(PRODUCT_A_PATH, "utf8"));
    const text = spec.kind === "covered" ? JSON.stringify({ ...doc, grantRule: "covered" }, null, 2) : readFileSync(PRODUCT_A_PATH, "utf8");
    const t = readPolicy(JSON.parse(text));
    const users = makeUsers(r, t.roles.map((x) => x.name), 1000, 1, spec.kind === "covered" ? 2 : 3);
    return { spec, text, users, decisions: makeDecisions(r, t, users, 10000, false), grants: makeGrants(r, t, users, 2000) };
  }
  const doc = syntheticPolicy(spec);
  const t = readPolicy(doc);
  const users = makeUsers(r, t.roles.map((x) => x.name), 1000, spec.rolesPerUser, spec.rolesPerUser);
  return { spec, text: JSON.stringify(doc), users, decisions: makeDecisions(r, t, users, 2000, true), grants: [] };
}

/** The sweep point of the `effective` budgets (issues 2 and 10), keyed as run-engine.js keys it. */
export const EFFECTIVE_BUDGET_KEY = "r1000-f500-u50";

/** The scale sweep: each axis varied alone around a base point; the last point is issue 2's `effective` budget. */
export const SWEEP = [
  ...[4, 32, 250, 1000].map((roles) => ({ axis: "roles", roles, features: 64, rolesPerUser: 3 })),
  ...[8, 32, 125, 500].map((features) => ({ axis: "features", roles: 250, features, rolesPerUser: 3 })),
  ...[1, 3, 10, 50].map((rolesPerUser) => ({ axis: "roles per user", roles: 1000, features: 500, rolesPerUser })),
].map((p) => ({ kind: "synthetic", ...p }));
