// Which policy decides a tenant's requests. From the bindings (POLICY, TENANT_POLICIES; config.js), or with
// POLICY_SOURCE=origin the tenant's current policy at origin (docs/origin-api.md): read with a GET at the route
// map's `policy` route, cached per isolate with its ETag and revalidated with `If-None-Match` once it is
// POLICY_REVALIDATE_SECONDS old. Requests share a read while it is young enough for them; a save through this
// isolate drops the tenant's copy at once. A policy that cannot be read and was never read fails closed; one
// read before keeps deciding while origin cannot answer (worker/README.md: the bound).
import { UTF8, readAtMost } from "./body.js";
import { bindingPolicy, compilePolicy, originBase, policySource, routeMap } from "./config.js";
import { MAX_POLICY_BYTES } from "./policy-edit.js";
import { fill } from "./routes.js";

const READ_TIMEOUT_MS = 5000;
/** Tenants whose policy an isolate keeps (least recently read go first). */
const MAX_CACHED_POLICIES = 1000;

/**
 * Per isolate, by policy URL: the last version read (`result`, with its `etag`), when the read that produced or
 * confirmed it started (`checkedAt`, the request clock) and the read in flight (`pending`).
 * @typedef {{ result: (import("./config.js").Result & { etag: string | null }) | null, checkedAt: number,
 *   pending: { startedAt: number, promise: Promise<any> } | null }} Entry
 * @type {Map<string, Entry>}
 */
const entries = new Map();

/**
 * The policy deciding `tenant`'s requests at `now` (the request clock). With POLICY_SOURCE=origin, a version
 * whose read started less than POLICY_REVALIDATE_SECONDS before `now` (0: none, every request reads).
 * @returns {Promise<import("./config.js").Result>}
 */
export async function policyFor(env, tenant, now) {
  const source = policySource(env);
  if (!source.ok) return source;
  return source.value.origin ? originPolicy(env, tenant, now, source.value.revalidateMs) : bindingPolicy(env, tenant);
}

/**
 * The tenant's current policy at origin, read now whatever the cache holds (a conditional GET): what a save is
 * judged against, with the ETag its `If-Match` must name. When origin cannot answer, the cached copy is not good
 * enough for a save: this fails instead.
 * @returns {Promise<(import("./config.js").Result & { etag?: string | null })>}
 */
export function currentPolicy(env, tenant, now) {
  return originPolicy(env, tenant, now, 0, { fresh: true });
}

/** Forgets the tenant's policy in this isolate (after a save went through it): the next request reads it anew. */
export function forgetPolicy(env, tenant) {
  const url = policyUrl(env, tenant);
  if (url.ok) entries.delete(url.value);
}

/** The URL of the tenant's policy at origin: the route map's `policy` route, filled in. */
function policyUrl(env, tenant) {
  const map = routeMap(env);
  const base = originBase(env);
  const route = map.ok && map.value.routes.find((r) => r.action === "policy");
  if (!route || !base.ok) return { ok: false, detail: "POLICY_SOURCE=origin needs ORIGIN and a policy route in the route map" };
  return { ok: true, value: base.value + fill(route.segments, { tenant }) };
}

async function originPolicy(env, tenant, now, maxAgeMs, { fresh = false } = {}) {
  const url = policyUrl(env, tenant);
  if (!url.ok) return url;
  let entry = entries.get(url.value);
  if (entry) {
    // Most recently used last: the first is the one to evict.
    entries.delete(url.value);
  } else {
    entry = { result: null, checkedAt: -Infinity, pending: null };
    if (entries.size >= MAX_CACHED_POLICIES) entries.delete(entries.keys().next().value);
  }
  entries.set(url.value, entry);
  if (entry.result && now - entry.checkedAt < maxAgeMs) return entry.result;
  if (entry.pending && now - entry.pending.startedAt < maxAgeMs) return entry.pending.promise;
  const promise = read(env, tenant, url.value, entry, now, fresh).finally(() => {
    if (entry.pending?.promise === promise) entry.pending = null;
  });
  entry.pending = { startedAt: now, promise };
  return promise;
}

/** One conditional GET of the tenant's policy; updates `entry` unless a read started later already did. */
async function read(env, tenant, url, entry, startedAt, fresh) {
  const headers = { accept: "application/json" };
  if (entry.result?.etag) headers["if-none-match"] = entry.result.etag;
  if (env.POLICY_TOKEN) headers.authorization = `Bearer ${env.POLICY_TOKEN}`;
  // Keeps the last version deciding while origin cannot answer (a save needs the current one: it fails).
  const unreadable = (detail) => {
    const keep = entry.result !== null && !fresh;
    console.error(`rolegate edge: POLICY_SOURCE: tenant '${tenant}': ${detail}${keep ? "; the last version read keeps deciding" : ""}`);
    // Tried again once the copy is POLICY_REVALIDATE_SECONDS old, not by every request meanwhile.
    if (entry.result) entry.checkedAt = Math.max(entry.checkedAt, startedAt);
    return keep ? entry.result : { ok: false, detail };
  };
  let res;
  try {
    res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  } catch {
    return unreadable("origin could not be reached");
  }
  if (res.status === 304 && entry.result) {
    await res.body?.cancel();
    entry.checkedAt = Math.max(entry.checkedAt, startedAt);
    return entry.result;
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    if (res.status !== 404) return unreadable(`origin answered ${res.status}`);
    // Origin says there is none: nothing is left to decide with.
    entry.result = null;
    return { ok: false, detail: "origin has no policy for this tenant" };
  }
  const text = await boundedText(res);
  const compiled = text === null
    ? { ok: false, detail: `origin's policy is not UTF-8 text of at most ${MAX_POLICY_BYTES} bytes` }
    : compilePolicy(text, `POLICY_SOURCE: tenant '${tenant}'`);
  if (startedAt < entry.checkedAt) return entry.result ?? compiled;
  // A document origin holds but that does not compile closes the tenant: it is origin's current policy.
  entry.result = compiled.ok ? { ...compiled, etag: res.headers.get("etag") } : null;
  entry.checkedAt = startedAt;
  return entry.result ?? compiled;
}

/** The answer's text, or null when it is over MAX_POLICY_BYTES or not UTF-8 (reading stops at the limit). */
async function boundedText(res) {
  if (!res.body) return "";
  const bytes = await readAtMost(res.body, MAX_POLICY_BYTES);
  try {
    return bytes && UTF8.decode(bytes);
  } catch {
    return null;
  }
}
