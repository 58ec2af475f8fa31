// The user-admin routes: authenticate the actor, check the tenant, validate the body, read the
// target's and the actor's current records at origin, ask the core for a decision, and forward only
// what the rules allow. A change that would take userAdmin from its target is decided again with the
// tenant's enabled users (read from origin only then: the last administrator stays). A policy save goes on
// to policy-save.js once the actor and tenant are known.
import { actorNow } from "./actor.js";
import { authenticate } from "./auth.js";
import { readRequestBody, shadowingQuery } from "./body.js";
import { actorAuth, actorCheck, targetCacheMs } from "./config.js";
import { recordIssued } from "./invitations.js";
import { forgetUser, forward, lookupUser, originError, readUsers, userUrl } from "./origin.js";
import { policyFor } from "./policies.js";
import { enabledUsers } from "./policy-edit.js";
import { savePolicy } from "./policy-save.js";
import { problem } from "./problems.js";

/** Actions that can never apply to oneself; refused without asking origin. */
const SELF_REFUSED = new Set(["roles", "remove", "disable", "enable"]);
/** Actions after which a cached copy of the target's record is stale. */
const CHANGES_TARGET = new Set(["roles", "remove", "disable", "enable"]);

/**
 * @param {Request} request
 * @param {{ url: URL, route: import("./routes.js").Route, action: string, tenant?: string, id?: string,
 *   users: import("./routes.js").Target | null }} classified
 * @param {{ env: object, base: string, now: number, audit: import("./decisions.js").Audit }} ctx
 */
export async function handleAdmin(request, classified, { env, base, now, audit }) {
  const { route, id, action } = classified;
  // Authenticated before the tenant's policy is looked up: an anonymous caller learns nothing of which
  // tenants are configured.
  const auth = await authenticate(request, env, now, audit);
  if (auth.response) return auth.response;
  const { sub, tenant: claimed, roles } = auth.claims;
  // A template without {tenant} acts in the token's tenant.
  const tenant = classified.tenant ?? claimed;
  audit.tenant = tenant;
  if (tenant !== claimed) return problem(403, "tenant_mismatch", `the token is for tenant '${claimed}', not '${tenant}'`);
  if (action === "policy") return savePolicy(request, classified, { env, base, now, audit, tenant, actor: { id: sub, roles } });
  const policy = await policyFor(env, tenant, now);
  Object.assign(audit, { policy: policy.hash, compiled: policy.value });
  if (!policy.ok) return problem(503, "policy_unavailable", "the edge has no valid policy for this tenant; nothing was forwarded");

  const shadowed = shadowingQuery(classified.url, route);
  if (shadowed) return shadowed;
  const body = await readRequestBody(request, route);
  if (body.response) return body.response;

  const actor = { id: sub, roles };
  // Origin reads the records with the actor's own credential, in the header it came in (AUTH_HEADER).
  const header = actorAuth(env).value.header;
  const credential = [header, request.headers.get(header)];
  const look = (who) => lookupUser({
    url: userUrl(base, route.target, { tenant, id: who }), target: route.target, id: who, now, cacheMs: targetCacheMs(env), credential,
  });
  const fresh = actorCheck(env) === "origin";
  let target = null;
  let current = null;
  if (id === sub && SELF_REFUSED.has(action)) {
    target = actor;
  } else if (action !== "add") {
    // The target's record, and the actor's (unless it is the same user), in one round trip.
    const [found, own] = await Promise.all([look(id), fresh && id !== sub ? look(sub) : null]);
    if (found.response) return found.response;
    if (found.status === 404) return problem(404, "user_not_found", `no user '${id}' in tenant '${tenant}'`);
    if (found.status) return originError(`origin answered ${found.status} when asked for the target user`);
    target = found.member;
    audit.target = target.id;
    current = fresh ? (own ?? found) : null;
  }

  const change = { actor, target, roles: body.roles };
  let decision = decide(policy.value, action, change);
  let prefix = "";
  if (decision.allowed && fresh) {
    // The token's roles allowed it: the actor's current record at origin must allow it too (an add asks only now).
    const checked = actorNow(current ?? await look(sub), { policy: policy.value, tenant, sub, now });
    if (checked.response) return checked.response;
    change.actor = checked.actor;
    decision = decide(policy.value, action, change);
    prefix = "with the actor's current roles at origin: ";
  }
  if (decision.allowed && classified.users && policy.value.takesUserAdmin(action, change)) {
    // It takes userAdmin from its target: allowed only if another enabled user of the tenant keeps it. Asked
    // of origin only for such a change (a refusal needs no more reasons to be one).
    const listed = await readUsers({ url: userUrl(base, classified.users, { tenant }), target: classified.users, credential });
    if (listed.response) return listed.response;
    decision = decide(policy.value, action, { ...change, others: enabledUsers(policy.value, listed.users, now) });
  }
  if (decision.response) return decision.response;
  if (!decision.allowed) {
    return problem(403, "forbidden", prefix + decision.reasons.map((r) => r.message).join("; "), {
      title: "Refused by the user-administration rules",
      extra: { reasons: decision.reasons, ...(decision.ignored && { ignored: decision.ignored }) },
    });
  }
  const response = await forward(request, base, classified.url, body.bytes);
  if (CHANGES_TARGET.has(action)) forgetUser(userUrl(base, route.target, { tenant, id }));
  if (action === "invite") return recordIssued(response, { env, tenant, now });
  return response;
}

/** The core's decision for the action; malformed input the core refuses becomes a 400. */
function decide(policy, action, request) {
  try {
    // The package maps the action to its check (one mapping for the edge, the console and the CLI) and answers
    // from role sets it compiled and cached per policy: no strings cross on the allowed path.
    return policy.check(action, request);
  } catch (err) {
    if (err?.code !== "invalid_request") throw err;
    const path = err.path ? `${err.path}: ` : "";
    return { response: problem(400, "invalid_request", `${path}${err.message}`) };
  }
}
