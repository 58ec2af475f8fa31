// Talking to origin: forwarding requests unchanged, and reading a target user's current roles.
import { problem } from "./problems.js";

const LOOKUP_TIMEOUT_MS = 10_000;
const MAX_CACHED_TARGETS = 1000;

/**
 * Sends the request on to origin: same method, path, query, headers and body (`body` when the edge
 * has already read it, else the request's own stream). Redirects go back to the client untouched;
 * an unreachable origin is a 502.
 * @param {Request} request
 * @param {string} base ORIGIN without trailing slash
 * @param {URL} url the request's parsed URL (its path is the one the edge checked)
 * @param {Uint8Array} [body]
 */
export async function forward(request, base, url, body) {
  try {
    return await fetch(base + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: body ?? request.body,
      redirect: "manual",
    });
  } catch {
    return originError("origin could not be reached");
  }
}

/** Per-isolate cache of target roles: key -> { member, expiresAt }. Insertion order = age. */
const targets = new Map();

/**
 * The target's current `{ id, roles }` from `GET /api/tenants/{tenant}/users/{id}` at origin, sent
 * with the actor's Authorization; cached for `cacheMs` (0 = always ask).
 * @returns {Promise<{ member: { id: string, roles: string[] } } | { response: Response }>}
 */
export async function lookupTarget({ base, tenant, id, authorization, now, cacheMs }) {
  const key = `${base}\u0000${tenant}\u0000${id}`;
  const hit = targets.get(key);
  if (hit && hit.expiresAt >= now) return { member: hit.member };
  targets.delete(key);

  let res;
  try {
    res = await fetch(`${base}/api/tenants/${tenant}/users/${id}`, {
      headers: { authorization, accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch {
    return { response: originError("origin could not be reached to read the target user") };
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return { response: problem(404, "user_not_found", `no user '${id}' in tenant '${tenant}'`) };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { response: originError(`origin answered ${res.status} when asked for the target user`) };
  }
  let user;
  try {
    user = await res.json();
  } catch {
    return { response: originError("origin sent a target user that is not JSON") };
  }
  const roles = user?.roles;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) {
    return { response: originError("origin sent a target user without a roles array") };
  }
  const member = { id: typeof user.id === "string" ? user.id : id, roles };
  if (cacheMs > 0) {
    if (targets.size >= MAX_CACHED_TARGETS) targets.delete(targets.keys().next().value);
    targets.set(key, { member, expiresAt: now + cacheMs });
  }
  return { member };
}

/** Drops a cached target after a change went through this isolate. */
export function forgetTarget(base, tenant, id) {
  targets.delete(`${base}\u0000${tenant}\u0000${id}`);
}

const originError = (detail) => problem(502, "origin_error", detail);
