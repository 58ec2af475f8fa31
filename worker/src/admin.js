// The user-admin routes: authenticate the actor, check the tenant, validate the body, read the
// target's current roles, ask the core for a decision, and forward only what the rules allow.
import { authenticate } from "./auth.js";
import { readJsonBody, shadowingQuery } from "./body.js";
import { actorKeyring, policyFor, targetCacheMs } from "./config.js";
import { recordIssued } from "./invitations.js";
import { forgetTarget, forward, lookupTarget } from "./origin.js";
import { problem } from "./problems.js";

/** Actions that can never apply to oneself; refused without asking origin. */
const SELF_REFUSED = new Set(["roles", "remove", "disable", "enable"]);
/** Actions after which a cached copy of the target's roles is stale. */
const CHANGES_TARGET = new Set(["roles", "remove"]);

/**
 * @param {Request} request
 * @param {{ url: URL, action: string, tenant: string, id?: string }} route
 * @param {{ env: object, base: string, now: number, audit: import("./decisions.js").Audit }} ctx
 */
export async function handleAdmin(request, route, { env, base, now, audit }) {
  const keyring = actorKeyring(env);
  if (!keyring.ok) return problem(503, "keys_unavailable", "the edge has no valid token keys; nothing was forwarded");
  // Authenticated before the tenant's policy is looked up: an anonymous caller learns nothing of which
  // tenants are configured.
  const auth = authenticate(request, keyring.value, now);
  if (auth.response) return auth.response;
  const { sub, tenant, roles } = auth.claims;
  audit.actor = sub;
  if (tenant !== route.tenant) {
    return problem(403, "tenant_mismatch", `the token is for tenant '${tenant}', not '${route.tenant}'`);
  }
  const policy = policyFor(env, route.tenant);
  audit.policy = policy.hash;
  if (!policy.ok) return problem(503, "policy_unavailable", "the edge has no valid policy for this tenant; nothing was forwarded");

  const schema = route.action === "add" || route.action === "roles" ? route.action : "none";
  const shadowed = shadowingQuery(route.url, schema);
  if (shadowed) return shadowed;
  const body = await readJsonBody(request, schema);
  if (body.response) return body.response;

  const actor = { id: sub, roles };
  let target = null;
  if (route.id === sub && SELF_REFUSED.has(route.action)) {
    target = actor;
  } else if (route.action !== "add") {
    const found = await lookupTarget({
      base, tenant: route.tenant, id: route.id, now, cacheMs: targetCacheMs(env),
      authorization: request.headers.get("authorization"),
    });
    if (found.response) return found.response;
    target = found.member;
    audit.target = target.id;
  }

  const decision = decide(policy.value, route.action, actor, target, body.json);
  if (decision.response) return decision.response;
  if (!decision.allowed) {
    return problem(403, "forbidden", decision.reasons.map((r) => r.message).join("; "), {
      title: "Refused by the user-administration rules",
      extra: { reasons: decision.reasons },
    });
  }
  const response = await forward(request, base, route.url, body.bytes);
  if (CHANGES_TARGET.has(route.action)) forgetTarget(base, route.tenant, route.id);
  if (route.action === "invite") return recordIssued(response, { env, tenant: route.tenant, now });
  return response;
}

/** The core's decision for the action; malformed input the core refuses becomes a 400. */
function decide(policy, action, actor, target, json) {
  try {
    // The package maps the action to its check (one mapping for the edge, the console and the CLI) and answers
    // from role sets it compiled and cached per policy: no strings cross on the allowed path.
    return policy.check(action, { actor, target, roles: json?.roles });
  } catch (err) {
    if (err?.code !== "invalid_request") throw err;
    const path = err.path ? `${err.path}: ` : "";
    return { response: problem(400, "invalid_request", `${path}${err.message}`) };
  }
}
