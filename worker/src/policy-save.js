// A policy save (`PUT /api/tenants/{t}/policy`, the route map's `policy` action), judged before origin sees it:
// `If-Match` (428 without), a JSON body of at most MAX_POLICY_BYTES (415, 413), a document that compiles (422,
// every error with its path, line and column), the tenant's current version at origin (412 when the editor
// edited another) and the rules of policy-edit.js for the actor, with the token's roles and, under
// ACTOR_CHECK=origin, the current ones (403). Only then is it forwarded, byte for byte; once origin stored it,
// this isolate forgets the tenant's policy, so its next request is decided by the new one.
import { parseJson, Policy } from "rolegate";
import { actorNow } from "./actor.js";
import { UTF8, isJson, readBody, unsupported } from "./body.js";
import { actorAuth, actorCheck } from "./config.js";
import { forward, readUsers, userUrl } from "./origin.js";
import { currentPolicy, forgetPolicy } from "./policies.js";
import { MAX_POLICY_BYTES, ifMatch, policyEditRefusals } from "./policy-edit.js";
import { problem } from "./problems.js";

/**
 * @param {Request} request
 * @param {{ url: URL, route: import("./routes.js").Route }} classified
 * @param {{ env: object, base: string, now: number, audit: import("./decisions.js").Audit, tenant: string,
 *   actor: { id: string, roles: string[] } }} ctx  `actor`: the token's
 */
export async function savePolicy(request, { url, route }, { env, base, now, audit, tenant, actor }) {
  if (ifMatch(request.headers.get("if-match"), "") === "missing") {
    return problem(428, "precondition_required", "send If-Match with the ETag of the policy version you edited");
  }
  if (!isJson(request.headers.get("content-type"))) return unsupported();
  const body = await readBody(request, MAX_POLICY_BYTES);
  if (body.response) return body.response;
  const compiled = compile(body.bytes);
  if (compiled.response) return compiled.response;

  // The users are read with the actor's own credential, in the header it came in (AUTH_HEADER).
  const header = actorAuth(env).value.header;
  const [current, listed] = await Promise.all([
    currentPolicy(env, tenant, now),
    readUsers({ url: userUrl(base, route.target, { tenant }), target: route.target, credential: [header, request.headers.get(header)] }),
  ]);
  Object.assign(audit, { policy: current.hash, compiled: current.value });
  if (!current.ok) return problem(503, "policy_unavailable", "the edge cannot read this tenant's current policy; nothing was forwarded");
  if (ifMatch(request.headers.get("if-match"), current.etag ?? "") !== "match") {
    return problem(412, "precondition_failed", "the policy changed since it was read: read it again, then save over the current version",
      { headers: current.etag ? { etag: current.etag } : {} });
  }
  if (listed.response) return listed.response;

  const save = { before: current.value, after: compiled.policy, afterDoc: compiled.doc, users: listed.users, now };
  let refusals = policyEditRefusals({ ...save, editor: actor });
  let prefix = "";
  if (refusals.length === 0 && actorCheck(env) === "origin") {
    // The token's roles allowed it: the actor's current record at origin must allow it too.
    const member = listed.users.find((u) => u.id === actor.id);
    const checked = actorNow(member ? { member } : { status: 404 }, { policy: current.value, tenant, sub: actor.id, now });
    if (checked.response) return checked.response;
    refusals = policyEditRefusals({ ...save, editor: checked.actor });
    prefix = "with the actor's current roles at origin: ";
  }
  if (refusals.length) {
    return problem(403, "forbidden", prefix + refusals.map((r) => r.message).join("; "), {
      title: "Refused by the policy-editing rules", extra: { reasons: refusals },
    });
  }
  const response = await forward(request, base, url, body.bytes);
  if (response.ok) forgetPolicy(env, tenant);
  return response;
}

/**
 * The new document compiled (and parsed, for its `userAdmin`), or a 422 listing every error with its path,
 * code, message, line and column (400 when the bytes are not UTF-8).
 * @returns {{ policy: any, doc: any } | { response: Response }}
 */
function compile(bytes) {
  let text;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { response: problem(400, "invalid_request", "the body is not valid UTF-8") };
  }
  try {
    return { policy: Policy.fromJson(text), doc: parseJson(text) };
  } catch (err) {
    if (err?.code !== "invalid_policy") throw err;
    return {
      response: problem(422, "invalid_policy", `the policy does not compile: ${err.errors.length} error(s)`, {
        title: "Invalid policy", extra: { errors: err.errors },
      }),
    };
  }
}
