// The decision log: one structured line per protected request, a `console.log` of an object (what
// Workers Logs, Logpush and `wrangler tail` collect; locally workerd prints it as one JSON line).
// It names who did what to whom and why, never a token, secret, e-mail address or body. Logging
// is on by default, off or sampled with DECISION_LOG, and can neither change nor delay an answer.
import { decisionLogRate } from "./config.js";
import { refusalOf } from "./problems.js";

/** Tags the line among workerd's other output. */
export const DECISION_EVENT = "rolegate.decision";
/** workerd's console (like Node's) prints an object through this hook: one JSON line, locally. */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * What the edge learned about a request, filled as it goes: `protected` (a route the edge decides:
 * logged), `now` the request's clock, `action` the route's (null for a refused path), `policy` the
 * applicable policy's content hash (a promise, see config.js) and `compiled` the policy itself, `roles` the
 * authenticated actor's role names (after ROLE_MAP).
 * @typedef {{ protected: boolean, now: number, action: string | null, tenant?: string, actor?: string,
 *   roles?: string[], target?: string, policy?: Promise<string | null>, compiled?: any }} Audit
 */

/**
 * Logs the decision the edge answered with `response`. Never throws: a failure to log is swallowed.
 * @param {object} env
 * @param {Audit} audit
 * @param {Response} response
 * @param {{ now: number, started: number }} times `now` the request's (injected) clock, `started` Date.now() at arrival
 */
export async function logDecision(env, audit, response, { now, started }) {
  try {
    const rate = decisionLogRate(env);
    if (rate === 0 || (rate < 1 && Math.random() >= rate)) return;
    const refusal = refusalOf(response);
    const line = {
      event: DECISION_EVENT,
      time: new Date(now).toISOString(),
      tenant: audit.tenant ?? null,
      actor: audit.actor ?? null,
      action: audit.action,
      target: audit.target ?? null,
      decision: refusal === undefined ? "allow" : response.status >= 500 ? "error" : "refuse",
      status: response.status,
      reasons: refusal?.reasons ?? [],
      ...ignoredRoles(audit),
      policy: null,
      latencyMs: Date.now() - started,
    };
    line.policy = (await audit.policy) ?? null;
    Object.defineProperty(line, INSPECT, { value: asJson });
    console.log(line);
  } catch {
    // The decision stands whether or not it could be logged.
  }
}

/** Role names of each policy, for `ignoredRoles`. */
const roleNames = new WeakMap();

/**
 * `{ ignoredRoles }`: the actor's role names the applicable policy does not know (they grant nothing),
 * when a policy was reached and there are any; else nothing, so the line keeps its usual fields.
 */
function ignoredRoles({ roles, compiled }) {
  if (!roles || !compiled) return {};
  if (!roleNames.has(compiled)) roleNames.set(compiled, new Set(compiled.roles().map((r) => r.name)));
  const known = roleNames.get(compiled);
  const ignored = roles.filter((name) => !known.has(name));
  return ignored.length ? { ignoredRoles: ignored } : {};
}

function asJson() {
  return JSON.stringify(this);
}
