// Public keys of an identity provider, cached per isolate: a JWK Set given inline (AUTH_JWKS) or
// fetched from AUTH_JWKS_URL or through OIDC discovery of AUTH_ISSUER. Every time is the request's
// (injected) clock, so the bounds below are tested without waiting.
import { createLocalJWKSet } from "jose";
import { parseJson } from "rolegate";
import { readBody } from "./body.js";

/** A fetched set is reused for its Cache-Control max-age, at least this long... */
export const MIN_MAX_AGE_MS = 30_000;
/** ... and at most this long; without a max-age (or with no-cache / no-store), this long. */
export const MAX_MAX_AGE_MS = 24 * 3_600_000;
export const DEFAULT_MAX_AGE_MS = 10 * 60_000;
/**
 * Fetches not required by an expired max-age (an unknown kid, a retry after a failure) are at most
 * one per this interval, counted from the previous fetch (the first one included).
 */
export const REFETCH_INTERVAL_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * A usable key set: `lookup` is jose's key selection (kid, kty and crv from the token's alg, the
 * key's own alg and use where it names them). `expiresAt` Infinity for an inline set.
 * @typedef {{ lookup: ReturnType<typeof createLocalJWKSet>, expiresAt: number }} Snapshot
 */

/** A key set: inline, or remote with its per-isolate cache. */
export class KeySource {
  /**
   * @param {{ jwks?: string, jwksUrl?: string, issuer?: string }} config `jwks` an inline JWK Set (JSON
   *   text, validated here: throws Error with `.code` and `.path`), else the set at `jwksUrl`, else the
   *   `jwks_uri` of `issuer`'s discovery document
   */
  constructor({ jwks, jwksUrl, issuer }) {
    /** @type {Snapshot | null} */
    this.snapshot = jwks === undefined ? null : { lookup: keySet(parseJson(jwks), true), expiresAt: Infinity };
    this.jwksUrl = jwksUrl ?? null;
    this.issuer = issuer ?? null;
    /** The binding a failed fetch is reported under. */
    this.binding = jwksUrl === undefined ? "AUTH_ISSUER" : "AUTH_JWKS_URL";
    /** When the last fetch started (-Infinity: never), and the fetch in flight, shared by concurrent requests. */
    this.fetchedAt = -Infinity;
    this.pending = null;
  }

  /**
   * The keys to verify with at `now`: the cached set, refetched first once its max-age has run out
   * (if that fails, the cached keys keep serving). Null while no set could be had.
   * @returns {Promise<Snapshot | null>}
   */
  current(now) {
    if (this.snapshot && now < this.snapshot.expiresAt) return Promise.resolve(this.snapshot);
    return this.refetch(now);
  }

  /**
   * The keys after a token named one the set does not have (or after a failed fetch): refetched
   * unless the previous fetch started less than REFETCH_INTERVAL_MS ago; concurrent callers share
   * one fetch. Never rejects.
   * @returns {Promise<Snapshot | null>}
   */
  refetch(now) {
    if (this.snapshot?.expiresAt === Infinity) return Promise.resolve(this.snapshot);
    if (this.pending) return this.pending;
    if (now < this.fetchedAt + REFETCH_INTERVAL_MS) return Promise.resolve(this.snapshot);
    this.fetchedAt = now;
    this.pending = this.fetchSet(now).then(
      (snapshot) => (this.snapshot = snapshot),
      (err) => {
        console.error(`rolegate edge: ${this.binding}: keys could not be fetched (${err?.code ?? err?.name ?? "error"})`);
        return this.snapshot;
      },
    ).finally(() => { this.pending = null; });
    return this.pending;
  }

  async fetchSet(now) {
    this.jwksUrl ??= await this.discover();
    const res = await getJson(this.jwksUrl);
    return { lookup: keySet(res.json, false), expiresAt: now + maxAge(res.cacheControl) };
  }

  /** `jwks_uri` of the issuer's discovery document, whose `issuer` must be the configured one. */
  async discover() {
    const { json } = await getJson(`${this.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
    if (json?.issuer !== this.issuer) throw Object.assign(new Error(), { code: "discovery_issuer_mismatch" });
    if (typeof json.jwks_uri !== "string" || !isKeyUrl(json.jwks_uri)) throw Object.assign(new Error(), { code: "discovery_jwks_uri_invalid" });
    return json.jwks_uri;
  }
}

/** GET a JSON document (64 KiB at most, no redirects), read by the core's strict reader. */
async function getJson(url) {
  const res = await fetch(url, { headers: { accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw Object.assign(new Error(), { code: `http_${res.status}` });
  }
  const body = await readBody(res);
  if (body.response) throw Object.assign(new Error(), { code: "too_large" });
  return { json: parseJson(new TextDecoder().decode(body.bytes)), cacheControl: res.headers.get("cache-control") ?? "" };
}

/** How long a response may be reused: its max-age within the bounds, no-cache / no-store the lower bound. */
export function maxAge(cacheControl) {
  const directives = cacheControl.toLowerCase().split(",").map((d) => d.trim());
  if (directives.includes("no-store") || directives.includes("no-cache")) return MIN_MAX_AGE_MS;
  const seconds = directives.map((d) => /^max-age="?(\d{1,10})"?$/.exec(d)?.[1]).find((s) => s !== undefined);
  if (seconds === undefined) return DEFAULT_MAX_AGE_MS;
  return Math.min(MAX_MAX_AGE_MS, Math.max(MIN_MAX_AGE_MS, Number(seconds) * 1000));
}

/**
 * jose's key selection over the signing keys of a JWK Set. Inline (`strict`): every member must be a
 * public RSA, EC or OKP key (a secret or private key there is a configuration error); fetched: keys
 * for other uses are skipped, as providers publish encryption keys beside signing keys.
 */
function keySet(doc, strict) {
  const fail = (code, path) => { throw Object.assign(new Error(code), { code, path }); };
  if (!Array.isArray(doc?.keys)) fail("not_a_jwk_set", "keys");
  const keys = doc.keys.filter((jwk, i) => {
    const problem = typeof jwk !== "object" || jwk === null || Array.isArray(jwk) ? "not_a_key"
      : !["RSA", "EC", "OKP"].includes(jwk.kty) ? "not_an_asymmetric_key"
        : "d" in jwk ? "private_key"
          : jwk.use !== undefined && jwk.use !== "sig" ? "not_a_signing_key" : null;
    if (problem && strict) fail(problem, `keys[${i}]`);
    return !problem;
  });
  if (keys.length === 0) fail("no_signing_key", "keys");
  return createLocalJWKSet({ keys });
}

/** Keys are fetched over https, or http on loopback only (local development and tests). */
export function isKeyUrl(text) {
  try {
    const url = new URL(text);
    if (url.username || url.password || url.hash) return false;
    return url.protocol === "https:" || (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
  } catch {
    return false;
  }
}
