// Talking to origin: forwarding requests unchanged, and reading a user's current record (the target's
// roles, and the actor's own).
import { valueAt } from "./pointer.js";
import { problem } from "./problems.js";
import { fill } from "./routes.js";

const LOOKUP_TIMEOUT_MS = 10_000;
const MAX_CACHED_USERS = 1000;

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

/** Per-isolate cache of users' records read from origin: lookup URL -> { member, expiresAt }. Insertion order = age. */
const users = new Map();

/**
 * The lookup URL of a user's record: the route's `target.path` filled in.
 * @param {string} base ORIGIN
 * @param {import("./routes.js").Target} target
 * @param {{ tenant: string, id: string }} values
 */
export function userUrl(base, target, values) {
  return base + fill(target.path, values);
}

/**
 * A user's current record from origin (`GET url`, sent with the actor's credential: `[header, value]`): `{ id, roles,
 * account }` read at the target's pointers (`id` defaults to the one asked for; roles may be one name or an
 * array; `account` is undefined unless the target names where it is and origin's answer has it). Cached for
 * `cacheMs` (0 = always ask). Any answer but 200 is `{ status }`, for the caller to say what it means.
 * @param {{ url: string, target: import("./routes.js").Target, id: string, credential: [string, string],
 *   now: number, cacheMs: number }} lookup
 * @returns {Promise<{ member: { id: string, roles: string[], account?: unknown } } | { status: number } | { response: Response }>}
 */
export async function lookupUser({ url, target, id, credential, now, cacheMs }) {
  const hit = users.get(url);
  if (hit && hit.expiresAt >= now) return { member: hit.member };
  users.delete(url);

  const read = await readJson(url, credential, "a user");
  if (!("json" in read)) return read;
  const member = memberOf(read.json, target, id);
  if (!member) return { response: originError("origin sent a user without roles where the route map says they are") };
  if (cacheMs > 0) {
    if (users.size >= MAX_CACHED_USERS) users.delete(users.keys().next().value);
    users.set(url, { member, expiresAt: now + cacheMs });
  }
  return { member };
}

/**
 * The tenant's users from origin (`GET url`, sent with the actor's credential): each item of the array at the
 * target's `list` pointer read as `lookupUser` reads one. Never cached. Origin refusing the actor's read (401,
 * 403) is 403 `actor_inactive`; any other answer but 200, or users without ids or roles, a 502.
 * @param {{ url: string, target: import("./routes.js").Target, credential: [string, string] }} read
 * @returns {Promise<{ users: { id: string, roles: string[], account?: unknown }[] } | { response: Response }>}
 */
export async function readUsers({ url, target, credential }) {
  const read = await readJson(url, credential, "the users");
  if (read.status === 401 || read.status === 403) {
    return { response: problem(403, "actor_inactive", `origin refused the actor's read of the users (${read.status})`) };
  }
  if (read.status) return { response: originError(`origin answered ${read.status} when asked for the tenant's users`) };
  if (!("json" in read)) return read;
  const list = valueAt(read.json, target.list);
  const users = Array.isArray(list) ? list.map((user) => memberOf(user, target, null)) : [null];
  if (users.some((u) => !u?.id)) return { response: originError("origin sent users without ids or roles where the route map says they are") };
  return { users };
}

/**
 * A user record as the edge reads it: `{ id, roles, account }` at the target's pointers (`id` defaults to the
 * one asked for; roles may be one name or an array), or null when the roles are not there.
 */
function memberOf(user, target, id) {
  const found = valueAt(user, target.roles);
  const roles = typeof found === "string" ? [found] : found;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string")) return null;
  const real = valueAt(user, target.id);
  return { id: typeof real === "string" ? real : id, roles, account: target.account && valueAt(user, target.account) };
}

/**
 * `GET url` at origin with the actor's credential (`[header, value]`: the header it came in, AUTH_HEADER):
 * `{ json }` for a 200 with JSON, `{ status }` for any other answer, `{ response }` (a 502) when origin cannot be
 * reached or its 200 is not JSON.
 */
async function readJson(url, [header, value], what) {
  let res;
  try {
    res = await fetch(url, {
      headers: { [header]: value, accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
  } catch {
    return { response: originError(`origin could not be reached to read ${what}`) };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status };
  }
  try {
    return { json: await res.json() };
  } catch {
    return { response: originError(`origin sent ${what} that is not JSON`) };
  }
}

/** Drops a cached record after a change to that user went through this isolate. */
export function forgetUser(url) {
  users.delete(url);
}

export const originError = (detail) => problem(502, "origin_error", detail);
