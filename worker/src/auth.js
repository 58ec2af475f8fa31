// Actor authentication. The token (AUTH_HEADER, default `Authorization: Bearer`) is an HS256 token
// verified by the core's Keyring (AUTH_KEYS; RustCrypto, constant-time), or an RS256 / PS256 / ES256 /
// EdDSA token from an identity provider verified by jose (WebCrypto) against the provider's JWK Set,
// whose claims are then mapped (claims.js). Every failure is one 401 whose body says nothing about users.
import { base64url, errors, jwtVerify } from "jose";
import { parseJson } from "rolegate";
import { actorOf, mapRoles } from "./claims.js";
import { actorAuth } from "./config.js";
import { problem } from "./problems.js";

/**
 * What config.js builds from the bindings (once per isolate).
 * @typedef {{ keyring: any, keys: import("./jwks.js").KeySource | null, issuer?: string, audience?: string,
 *   header: string, claims: ReturnType<typeof import("./claims.js").claimMapping>, leewaySec: number,
 *   verified: Map<string, { claims: Actor, from: number, until: number, keys: object | null }> }} AuthConfig
 * @typedef {{ sub: string, tenant: string, roles: string[] }} Actor
 */

/** Algorithms verified through the JWK Set; HS256 goes to the Keyring; anything else (`none`) is refused. */
const ASYMMETRIC = ["RS256", "PS256", "ES256", "EdDSA"];
/** Header `typ` values of an actor token (compared without case and without an `application/` prefix). */
const ACTOR_TYPES = new Set(["jwt", "at+jwt"]);

/** Non-secret wording for each refusal reason (the Keyring's and the same for JWK Set tokens). */
const DESCRIPTIONS = {
  missing: "a bearer token is required",
  malformed: "the token is malformed",
  alg_not_allowed: "the token algorithm is not accepted",
  unknown_kid: "the token key id is not known",
  bad_signature: "the token signature is not valid",
  expired: "the token has expired",
  not_yet_valid: "the token is not valid yet",
  wrong_type: "this is not an actor token",
  invalid_claims: "the token claims are not valid",
  issuer_mismatch: "the token issuer is not accepted",
  audience_mismatch: "the token audience is not accepted",
};

const MAX_VERIFIED = 1024;

/**
 * The verified actor, or the problem response: 401 for any token failure, 503 when the bindings are
 * invalid or no key set could be had yet. Sets `audit.actor` and `audit.roles` (for the decision log).
 * @param {Request} request
 * @param {object} env
 * @param {number} now the request's clock (ms)
 * @param {import("./decisions.js").Audit} audit
 * @returns {Promise<{ claims: Actor } | { response: Response }>}
 */
export async function authenticate(request, env, now, audit) {
  const auth = actorAuth(env);
  if (!auth.ok) return { response: unavailable(auth.code) };
  const token = tokenOf(request, auth.value.header);
  if (token.reason) return { response: unauthorized(token.reason) };
  try {
    const claims = await verify(auth.value, token.value, now);
    audit.actor = claims.sub;
    audit.roles = claims.roles;
    return { claims };
  } catch (err) {
    if (err?.code === "keys_unavailable") return { response: unavailable(err.code) };
    if (err?.code !== "invalid_token") throw err;
    return { response: unauthorized(err.reason) };
  }
}

/** The token in the configured header: `Authorization: Bearer <token>`, or another header's whole value. */
function tokenOf(request, header) {
  const text = request.headers.get(header);
  if (text === null) return { reason: "missing" };
  const match = (header === "authorization" ? /^Bearer +([A-Za-z0-9_.~+/-]+=*) *$/i : /^ *([A-Za-z0-9_.~+/-]+=*) *$/).exec(text);
  return match ? { value: match[1] } : { reason: "malformed" };
}

/**
 * The actor of a token, remembered for the same token string from the moment it passed until its
 * `exp` (leeway not counted, so every case near or past expiry is decided afresh) and, for a JWK Set
 * token, while the key set it was verified with is the one in use (a refetched set verifies it afresh).
 * @param {AuthConfig} auth
 * @returns {Promise<Actor>}
 */
async function verify(auth, token, now) {
  const hit = auth.verified.get(token);
  if (hit && hit.from <= now && now < hit.until && (hit.keys === null || hit.keys === await auth.keys.current(now))) {
    return hit.claims;
  }
  const { alg } = header(token);
  const verified = alg === "HS256" ? verifyHs256(auth, token, now) : await verifyWithKeys(auth, token, alg, now);
  if (auth.verified.size >= MAX_VERIFIED) auth.verified.delete(auth.verified.keys().next().value);
  auth.verified.set(token, { ...verified, from: now });
  return verified.claims;
}

/** The token's protected header, read by the core's strict reader (a member named twice is malformed). */
function header(token) {
  try {
    const value = parseJson(new TextDecoder().decode(base64url.decode(token.split(".")[0])));
    if (typeof value === "object" && value !== null && typeof value.alg === "string") return value;
  } catch {
    // malformed, below
  }
  throw invalid("malformed");
}

/** An HS256 token: the core's Keyring (its own claim shape: `sub`, `tenant`, `roles`), then ROLE_MAP. */
function verifyHs256(auth, token, now) {
  if (!auth.keyring) throw invalid("alg_not_allowed");
  const { sub, tenant, roles, exp } = auth.keyring.verifyActor(token, now);
  return { claims: { sub, tenant, roles: mapRoles(auth.claims.roleMap, roles) }, until: exp * 1000, keys: null };
}

/** A token from an identity provider, verified with the key its header names; one refetch for an unknown key. */
async function verifyWithKeys(auth, token, alg, now) {
  if (!auth.keys || !ASYMMETRIC.includes(alg)) throw invalid("alg_not_allowed");
  let keys = await auth.keys.current(now);
  if (!keys) throw Object.assign(new Error("no keys"), { code: "keys_unavailable" });
  const options = {
    algorithms: ASYMMETRIC, issuer: auth.issuer, audience: auth.audience, requiredClaims: ["exp"],
    clockTolerance: auth.leewaySec, currentDate: new Date(now),
  };
  let result;
  try {
    result = await verifyWith(token, keys.lookup, options);
  } catch (err) {
    if (!(err instanceof errors.JWKSNoMatchingKey)) throw refusal(err);
    const refetched = await auth.keys.refetch(now);
    if (!refetched || refetched === keys) throw invalid("unknown_kid");
    keys = refetched;
    result = await verifyWith(token, keys.lookup, options).catch((again) => { throw refusal(again); });
  }
  const { typ } = result.protectedHeader;
  if (typ !== undefined && !(typeof typ === "string" && ACTOR_TYPES.has(typ.toLowerCase().replace(/^application\//, "")))) {
    throw invalid("wrong_type");
  }
  // Claims read strictly, as the core reads an HS256 token's (jose's JSON.parse keeps the last of two).
  let payload;
  try {
    payload = parseJson(new TextDecoder().decode(base64url.decode(token.split(".")[1])));
  } catch {
    throw invalid("invalid_claims");
  }
  if (Object.hasOwn(payload, "purpose")) throw invalid("wrong_type");
  if (typeof payload.iat === "number" && payload.iat * 1000 > now + auth.leewaySec * 1000) throw invalid("not_yet_valid");
  const claims = actorOf(auth.claims, payload);
  if (!claims) throw invalid("invalid_claims");
  return { claims, until: payload.exp * 1000, keys };
}

/** jose's verification; a token without `kid` that several keys of its type could have signed is tried with each. */
async function verifyWith(token, lookup, options) {
  try {
    return await jwtVerify(token, lookup, options);
  } catch (err) {
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err) {
      try {
        return await jwtVerify(token, key, options);
      } catch (again) {
        if (!(again instanceof errors.JWSSignatureVerificationFailed)) throw again;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** The refusal reason of a jose verification error. */
function refusal(err) {
  if (err instanceof errors.JWTExpired) return invalid("expired");
  if (err instanceof errors.JWTClaimValidationFailed) {
    return invalid({ iss: "issuer_mismatch", aud: "audience_mismatch", nbf: "not_yet_valid" }[err.claim] ?? "invalid_claims");
  }
  if (err instanceof errors.JWKSNoMatchingKey) return invalid("unknown_kid");
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid("bad_signature");
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return invalid("alg_not_allowed");
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return invalid("malformed");
  return invalid("bad_signature");
}

const invalid = (reason) => Object.assign(new Error(reason), { code: "invalid_token", reason });

function unauthorized(reason) {
  const description = DESCRIPTIONS[reason] ?? "the token is not valid";
  return problem(401, "invalid_token", description, {
    headers: { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
  });
}

function unavailable(code) {
  const detail = code === "keys_unavailable" ? "the edge has no valid token keys; nothing was forwarded"
    : "the edge has no valid authentication configuration; nothing was forwarded";
  return problem(503, code, detail);
}
