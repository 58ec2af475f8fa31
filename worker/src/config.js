// Worker configuration, compiled once per isolate: policies and keyrings are cached at module level,
// keyed by the exact binding text, so a request never recompiles them and a changed binding (a new
// deployment) never reuses a stale one. Failures are cached too and reported without secrets.
import { Policy, Keyring, parseJson } from "rolegate";
import { ConfigError, claimMapping } from "./claims.js";
import { KeySource, isKeyUrl } from "./jwks.js";
import { contentHash } from "./policy-edit.js";
import { compileRoutes, defaultRouteMap } from "./routes.js";

/**
 * A compiled policy also carries `hash`, its content hash for the decision log (a promise).
 * @typedef {{ ok: true, value: any, hash?: Promise<string | null> } | { ok: false, detail: string }} Result
 */

const cache = new Map();

/** The cached result of `build` for this exact key, built on first use. */
function once(name, key, build) {
  const hit = cache.get(name);
  if (hit && hit.key === key) return hit.value;
  const value = build();
  cache.set(name, { key, value });
  return value;
}

const ok = (value) => ({ ok: true, value });
const fail = (what, detail) => {
  console.error(`rolegate edge: ${what}: ${detail}`);
  return { ok: false, detail };
};

/**
 * Where tenant policies come from (POLICY_SOURCE): `bindings` (default: POLICY and TENANT_POLICIES) or `origin`
 * (each tenant's current policy at origin, revalidated at most every POLICY_REVALIDATE_SECONDS: default 2, at
 * most 4; policies.js). Anything else is a configuration error: no policy at all.
 * @returns {{ ok: true, value: { origin: false } | { origin: true, revalidateMs: number } } | { ok: false, detail: string }}
 */
export function policySource(env) {
  return once("policySource", [env.POLICY_SOURCE, env.POLICY_REVALIDATE_SECONDS].join("\u0000"), () => {
    const source = String(env.POLICY_SOURCE ?? "bindings").trim().toLowerCase();
    if (source === "bindings" || source === "") return ok({ origin: false });
    if (source !== "origin") return fail("POLICY_SOURCE", "must be bindings or origin");
    const text = String(env.POLICY_REVALIDATE_SECONDS ?? "2").trim();
    if (!/^[0-4](\.\d{1,3})?$/.test(text) || Number(text) > 4) {
      return fail("POLICY_REVALIDATE_SECONDS", "must be a number of seconds from 0 to 4");
    }
    return ok({ origin: true, revalidateMs: Number(text) * 1000 });
  });
}

/**
 * The policy for `tenant` from the bindings: its entry in TENANT_POLICIES, else POLICY.
 * @returns {Result}
 */
export function bindingPolicy(env, tenant) {
  const tenants = once("tenantPolicies", env.TENANT_POLICIES, () => parseTenantPolicies(env.TENANT_POLICIES));
  if (!tenants.ok) return tenants;
  if (Object.hasOwn(tenants.value.docs, tenant)) {
    const compiled = tenants.value.compiled;
    if (!compiled.has(tenant)) compiled.set(tenant, compilePolicy(tenants.value.docs[tenant], `TENANT_POLICIES.${tenant}`));
    return compiled.get(tenant);
  }
  return once("policy", env.POLICY, () => compilePolicy(env.POLICY, "POLICY"));
}

function parseTenantPolicies(text) {
  if (text === undefined || text === "") return ok({ docs: {}, compiled: new Map() });
  const docs = strictJson("TENANT_POLICIES", text);
  if (!docs.ok) return docs;
  if (typeof docs.value !== "object" || docs.value === null || Array.isArray(docs.value)) {
    return fail("TENANT_POLICIES", "must be a JSON object of tenant to policy document");
  }
  return ok({ docs: docs.value, compiled: new Map() });
}

/**
 * JSON text read by the core's strict reader, as POLICY is: a member named twice anywhere is refused with its
 * path (JSON.parse would silently keep the last one).
 */
function strictJson(name, text) {
  try {
    return ok(parseJson(text));
  } catch (err) {
    if (err?.code === "duplicate_member") return fail(name, `duplicate_member (${err.path})`);
    return fail(name, "is not valid JSON");
  }
}

/**
 * A policy document compiled, with its content hash for the decision log (computed once, alongside); a
 * document that does not compile is reported as `name` (a binding, or where origin's copy came from).
 * @returns {Result}
 */
export function compilePolicy(doc, name) {
  if (doc === undefined || doc === "") return fail(name, "is not set");
  try {
    return { ...ok(Policy.fromJson(doc)), hash: contentHash(doc).catch(() => null) };
  } catch (err) {
    const errors = (err.errors ?? []).map((e) => `${e.path}: ${e.code}`).join("; ");
    return fail(name, `${err.code ?? "error"}${errors ? ` (${errors})` : ""}`);
  }
}

/**
 * The actor-token keyring from AUTH_KEYS and the TOKEN_* options.
 * @returns {Result}
 */
export function actorKeyring(env) {
  const key = [env.AUTH_KEYS, env.TOKEN_ISSUER, env.TOKEN_AUDIENCE, env.TOKEN_LEEWAY_SECONDS].join("\u0000");
  return once("actorKeyring", key, () => {
    const leewaySec = leewaySeconds(env.TOKEN_LEEWAY_SECONDS);
    if (leewaySec === null) return fail("TOKEN_LEEWAY_SECONDS", "must be a whole number of seconds");
    const options = { leewaySec };
    if (env.TOKEN_ISSUER) options.issuer = env.TOKEN_ISSUER;
    if (env.TOKEN_AUDIENCE) options.audience = env.TOKEN_AUDIENCE;
    return keyring("AUTH_KEYS", env.AUTH_KEYS, options);
  });
}

/** Every binding actor authentication reads (a change to any builds it afresh, key cache included). */
const AUTH_BINDINGS = ["AUTH_KEYS", "TOKEN_ISSUER", "TOKEN_AUDIENCE", "TOKEN_LEEWAY_SECONDS", "AUTH_ISSUER", "AUTH_JWKS_URL",
  "AUTH_JWKS", "AUTH_AUDIENCE", "AUTH_HEADER", "CLAIM_SUBJECT", "CLAIM_TENANT", "CLAIM_ROLES", "TENANT", "ROLE_MAP"];
/** Bindings whose failure is about key material (503 keys_unavailable); the others are auth_unavailable. */
const KEY_BINDINGS = new Set(["AUTH_JWKS", "TOKEN_LEEWAY_SECONDS"]);

/**
 * Actor authentication, built once per isolate from the bindings: HS256 keys (AUTH_KEYS, TOKEN_*),
 * a JWK Set with its key cache (AUTH_JWKS, AUTH_JWKS_URL or discovery of AUTH_ISSUER; AUTH_AUDIENCE),
 * where the token is (AUTH_HEADER) and the claim mapping. A failure carries its problem `code`.
 * @returns {{ ok: true, value: import("./auth.js").AuthConfig } | { ok: false, detail: string, code: string }}
 */
export function actorAuth(env) {
  return once("actorAuth", AUTH_BINDINGS.map((name) => env[name]).join("\u0000"), () => {
    const get = (name) => (env[name] === "" ? undefined : env[name]);
    const remote = ["AUTH_ISSUER", "AUTH_JWKS_URL", "AUTH_JWKS"].some((name) => get(name) !== undefined);
    const keyring = env.AUTH_KEYS || !remote ? actorKeyring(env) : ok(null);
    if (!keyring.ok) return { ...keyring, code: "keys_unavailable" };
    try {
      return ok(authConfig(get, keyring.value));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const code = KEY_BINDINGS.has(err.binding) ? "keys_unavailable" : "auth_unavailable";
      return { ...fail(err.binding, err.detail), code };
    }
  });
}

function authConfig(get, keyring) {
  const [issuer, jwksUrl, jwks, audience] = ["AUTH_ISSUER", "AUTH_JWKS_URL", "AUTH_JWKS", "AUTH_AUDIENCE"].map(get);
  const leewaySec = leewaySeconds(get("TOKEN_LEEWAY_SECONDS"));
  if (leewaySec === null) throw new ConfigError("TOKEN_LEEWAY_SECONDS", "must be a whole number of seconds");
  if (jwks !== undefined && jwksUrl !== undefined) throw new ConfigError("AUTH_JWKS", "conflicts_with_auth_jwks_url");
  if (jwksUrl !== undefined && !isKeyUrl(jwksUrl)) throw new ConfigError("AUTH_JWKS_URL", "invalid_url", "must be https, or http on loopback");
  if (issuer !== undefined && jwks === undefined && jwksUrl === undefined && !isKeyUrl(issuer)) {
    throw new ConfigError("AUTH_ISSUER", "invalid_url", "must be https, or http on loopback");
  }
  let keys = null;
  if (issuer !== undefined || jwksUrl !== undefined || jwks !== undefined) {
    try {
      keys = new KeySource({ jwks, jwksUrl, issuer });
    } catch (err) {
      throw new ConfigError("AUTH_JWKS", err.code ?? "invalid_json", err.path);
    }
    if (audience === undefined) console.warn("rolegate edge: AUTH_AUDIENCE: is not set; tokens the provider signs for any audience are accepted");
  }
  const header = (get("AUTH_HEADER") ?? "authorization").toLowerCase();
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) throw new ConfigError("AUTH_HEADER", "invalid_header_name");
  const claims = claimMapping(Object.fromEntries(["CLAIM_SUBJECT", "CLAIM_TENANT", "CLAIM_ROLES", "TENANT", "ROLE_MAP"].map((n) => [n, get(n)])));
  return { keyring, keys, issuer, audience, header, claims, leewaySec, verified: new Map() };
}

/** TOKEN_LEEWAY_SECONDS in whole seconds (default 60), or null when it is not a whole number. */
function leewaySeconds(text = "60") {
  return /^\d{1,6}$/.test(String(text)) ? Number(text) : null;
}

/**
 * The invitation-link keyring: INVITE_KEY is a JSON object of kid to secret, or one secret whose
 * kid is INVITE_KID (default "invite").
 * @returns {Result}
 */
export function inviteKeyring(env) {
  const key = [env.INVITE_KEY, env.INVITE_KID].join("\u0000");
  return once("inviteKeyring", key, () => {
    const text = env.INVITE_KEY;
    const keys = text?.trimStart().startsWith("{") ? text : text && { [env.INVITE_KID || "invite"]: text };
    return keyring("INVITE_KEY", keys, {});
  });
}

function keyring(name, keys, options) {
  if (!keys) return fail(name, "is not set");
  try {
    return ok(new Keyring(keys, options));
  } catch (err) {
    // The core's messages name key ids and lengths, never secrets; log the code only all the same.
    return fail(name, err.code ?? "invalid");
  }
}

/**
 * ORIGIN without a trailing slash.
 * @returns {Result}
 */
export function originBase(env) {
  return once("origin", env.ORIGIN, () => {
    try {
      const url = new URL(env.ORIGIN);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
      if (url.search || url.hash) throw new Error();
      return ok(url.href.replace(/\/$/, ""));
    } catch {
      return fail("ORIGIN", "must be an http(s) URL without query");
    }
  });
}

/**
 * The route map: ROUTES (JSON text, or the value itself), validated when first used; the default map
 * (docs/origin-api.md, with its documented bodies checked exactly) when unset.
 * @returns {Result}
 */
export function routeMap(env) {
  return once("routes", env.ROUTES, () => {
    if (env.ROUTES === undefined || env.ROUTES === "") return ok(defaultRouteMap());
    const doc = typeof env.ROUTES === "string" ? strictJson("ROUTES", env.ROUTES) : ok(env.ROUTES);
    if (!doc.ok) return doc;
    const map = compileRoutes(doc.value);
    return map.ok ? map : fail("ROUTES", `invalid_routes (${map.errors.map((e) => `${e.path}: ${e.code}`).join("; ")})`);
  });
}

/**
 * Where the actor's roles are checked (ACTOR_CHECK): "origin" (default: the token's roles, and the actor's
 * current record at origin, must both allow) or "token" (the token's roles alone, for the token's lifetime).
 * Anything else checks at origin (and says so once).
 */
export function actorCheck(env) {
  return once("actorCheck", env.ACTOR_CHECK, () => {
    const value = String(env.ACTOR_CHECK ?? "origin").trim().toLowerCase();
    if (value === "origin" || value === "") return "origin";
    if (value === "token") return "token";
    fail("ACTOR_CHECK", "must be origin or token; checking at origin");
    return "origin";
  });
}

/** How long a target's roles may be reused, in ms (TARGET_CACHE_SECONDS, default 0 = never). */
export function targetCacheMs(env) {
  const seconds = Number(env.TARGET_CACHE_SECONDS ?? 0);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : 0;
}

/**
 * The fraction of decisions logged (DECISION_LOG): "on" or unset = 1, "off" = 0, or a number from 0
 * to 1 (sampled per request). Anything else logs every decision (and says so once).
 */
export function decisionLogRate(env) {
  return once("decisionLog", env.DECISION_LOG, () => {
    const text = String(env.DECISION_LOG ?? "on").trim().toLowerCase();
    if (text === "on" || text === "") return 1;
    if (text === "off") return 0;
    const rate = /^(0|1|0?\.\d+|1\.0*)$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(rate)) {
      fail("DECISION_LOG", "must be on, off or a fraction from 0 to 1; logging every decision");
      return 1;
    }
    return rate;
  });
}
