// `rolegate test`: a file of expected decisions run against a policy, one result per case. A malformed case
// file is bad input (BadInput, with the path of what is wrong); a decision that differs is a failed case.

/** Bad input: one line on stderr, exit 2 (shared with cli.js). */
export class BadInput extends Error {}

import { newAccount } from "./node.js";

const KINDS = ["allows", "grants", "status"];
/** A case's `check`: an action of `policy.check`, or `grant` (a new user's roles, or the target's). */
const CHECKS = ["grant", "add", "roles", "remove", "disable", "enable", "invite"];
const STEPS = ["invite", "accept", "disable", "enable", "disableTenant", "enableTenant"];

/**
 * Runs every case of `cases` (`{ allows, grants, status }`) against `policy`.
 * @returns {{ kind: string, name: string, pass: boolean, why?: string }[]}
 */
export function runCases(policy, cases, file) {
  const bad = (path, message) => new BadInput(`${file}: ${path ? `${path}: ` : ""}${message}`);
  if (!isObject(cases)) throw bad("", "expected an object { allows, grants, status }");
  const unknown = Object.keys(cases).find((k) => !KINDS.includes(k));
  if (unknown) throw bad(unknown, `unknown member (expected one of: ${KINDS.join(", ")})`);
  const known = new Set(policy.roles().map((r) => r.name));
  const results = [];
  for (const kind of KINDS) {
    const list = cases[kind] ?? [];
    if (!Array.isArray(list)) throw bad(kind, "expected an array of cases");
    list.forEach((c, i) => {
      const path = `${kind}[${i}]`;
      if (!isObject(c) || typeof c.name !== "string") throw bad(path, "expected an object with a \"name\"");
      let why;
      const badAt = (member, message) => bad(`${path}.${member}`, message);
      unknownRoles(kind, c, known, badAt);
      try {
        why = RUN[kind](policy, c, badAt);
      } catch (e) {
        if (e instanceof BadInput) throw e;
        // The package refused the case's input as malformed: the case file is wrong, not the policy.
        if (e.code === "invalid_request") throw bad(e.path ? `${path}.${e.path}` : path, e.message.replace(/^[^:]*: /, ""));
        if (!e.code) throw e;
        why = `threw ${e.code}: ${e.message}`;
      }
      results.push({ kind, name: c.name, pass: why === undefined, ...(why === undefined ? {} : { why }) });
    });
  }
  if (results.length === 0) throw bad("", "no cases (allows, grants and status are all empty)");
  return results;
}

/**
 * A role name the policy does not know in a case is bad input, not a result: a typo in an actor's roles would
 * make an `expect: "refused"` case pass for the wrong reason. Requested roles may be unknown on purpose in a
 * case that expects `unknown_role`.
 */
function unknownRoles(kind, c, known, bad) {
  const check = (names, member) => {
    if (!Array.isArray(names)) return;
    names.forEach((name, i) => {
      if (typeof name === "string" && !known.has(name)) throw bad(`${member}[${i}]`, `'${name}' is not a role of the policy`);
    });
  };
  if (kind === "allows") check(c.roles, "roles");
  if (kind !== "grants") return;
  check(c.actor?.roles, "actor.roles");
  check(c.target?.roles, "target.roles");
  if (Array.isArray(c.others)) c.others.forEach((o, i) => check(o?.roles, `others[${i}].roles`));
  const expectsUnknown = Array.isArray(c.reasons) && c.reasons.some((r) => r === "unknown_role" || r?.code === "unknown_role");
  if (!expectsUnknown) check(c.roles, "roles");
}

/** Each kind's runner: `undefined` when the case passes, else why it failed. */
const RUN = {
  allows(policy, c, bad) {
    if (typeof c.expect !== "boolean") throw bad("expect", "expected true or false");
    const got = policy.allows(c.roles, c.feature, c.level);
    return got === c.expect ? undefined : `expected ${c.expect}, got ${got}`;
  },

  grants(policy, c, bad) {
    const check = c.check ?? "grant";
    if (!CHECKS.includes(check)) throw bad("check", `expected one of: ${CHECKS.join(", ")}`);
    if (c.expect !== "allowed" && c.expect !== "refused") throw bad("expect", 'expected "allowed" or "refused"');
    if (c.reasons !== undefined && !Array.isArray(c.reasons)) throw bad("reasons", "expected an array of codes or { code, ... }");
    const action = check === "grant" ? (c.target ? "roles" : "add") : check;
    const d = policy.check(action, { actor: c.actor, target: c.target ?? null, roles: c.roles, others: c.others });
    const got = d.allowed ? "allowed" : "refused";
    const codes = d.reasons.map((r) => r.code).join(", ");
    if (got !== c.expect) return `expected ${c.expect}, got ${got} (${codes}${d.allowed ? "" : `: ${d.reasons[0].message}`})`;
    if (c.reasons === undefined) return undefined;
    const matches = c.reasons.length === d.reasons.length && c.reasons.every((want, i) => (typeof want === "string"
      ? want === d.reasons[i].code
      : isObject(want) && Object.entries(want).every(([k, v]) => d.reasons[i][k] === v)));
    return matches ? undefined : `expected reasons ${JSON.stringify(c.reasons)}, got ${JSON.stringify(d.reasons.map(brief))}`;
  },

  status(policy, c, bad) {
    if (c.record !== undefined && !isObject(c.record)) throw bad("record", "expected an account record object");
    if (c.steps !== undefined && !Array.isArray(c.steps)) throw bad("steps", "expected an array of { do, at, refused? }");
    let record = { ...newAccount(), ...c.record };
    for (const [i, step] of (c.steps ?? []).entries()) {
      if (!isObject(step) || !STEPS.includes(step.do)) throw bad(`steps[${i}].do`, `expected one of: ${STEPS.join(", ")}`);
      const at = time(step.at, () => bad(`steps[${i}].at`, "expected ISO 8601 text or epoch milliseconds"));
      try {
        const next = policy[step.do](record, at);
        if (step.refused !== undefined) return `step ${i + 1} (${step.do}): expected refused ${step.refused}, but it went through`;
        record = next;
      } catch (e) {
        if (e.code === "invalid_request" || !e.code) throw e;
        if (step.refused !== e.code) return `step ${i + 1} (${step.do}): ${step.refused ? `expected ${step.refused}, got` : "refused with"} ${e.code}`;
      }
    }
    const s = policy.accountStatus(record, time(c.at, () => bad("at", "expected ISO 8601 text or epoch milliseconds")));
    const expected = { status: c.expect };
    for (const key of ["tenantStatus", "canAccessTenant"]) if (c[key] !== undefined) expected[key] = c[key];
    if (c.expiresAt !== undefined) expected.expiresAt = c.expiresAt === null ? null : time(c.expiresAt, () => bad("expiresAt", "expected a time or null"));
    const wrong = Object.entries(expected).filter(([k, v]) => s[k] !== v);
    return wrong.length ? wrong.map(([k, v]) => `expected ${k} ${JSON.stringify(v)}, got ${JSON.stringify(s[k])}`).join("; ") : undefined;
  },
};

/** Epoch milliseconds from a number or ISO 8601 text. */
function time(value, bad) {
  const ms = typeof value === "string" ? Date.parse(value) : value;
  if (!Number.isSafeInteger(ms) || ms < 0) throw bad();
  return ms;
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** A reason as a failure message shows it: the code and what it names. */
const brief = ({ message: _, ...rest }) => rest;
