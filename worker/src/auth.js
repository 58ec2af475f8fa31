// Actor authentication: `Authorization: Bearer <JWT>` verified by the core's Keyring (HS256,
// RustCrypto, constant-time). Every failure is one 401 whose body says nothing about users.
import { problem } from "./problems.js";

/** Non-secret wording for each Keyring refusal reason. */
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

/**
 * The verified actor claims, or a 401 problem response.
 * @returns {{ claims: { sub: string, tenant: string, roles: string[] } } | { response: Response }}
 */
export function authenticate(request, keyring, now) {
  const match = /^Bearer +([A-Za-z0-9_.~+/-]+=*) *$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) return { response: unauthorized(request.headers.has("authorization") ? "malformed" : "missing") };
  try {
    return { claims: verify(keyring, match[1], now) };
  } catch (err) {
    if (err?.code !== "invalid_token") throw err;
    return { response: unauthorized(err.reason) };
  }
}

/** Tokens this isolate verified, per keyring (so a rotation starts afresh), oldest first. */
const verified = new WeakMap();
const MAX_VERIFIED = 1024;

/**
 * The core's verification, remembered for the same token string from the moment it passed until
 * its `exp` (leeway not counted, so the core decides every case near or past expiry).
 */
function verify(keyring, token, now) {
  let seen = verified.get(keyring);
  if (!seen) verified.set(keyring, (seen = new Map()));
  const hit = seen.get(token);
  if (hit && hit.from <= now && now < hit.until) return hit.claims;
  const claims = keyring.verifyActor(token, now);
  if (seen.size >= MAX_VERIFIED) seen.delete(seen.keys().next().value);
  seen.set(token, { claims, from: now, until: claims.exp * 1000 });
  return claims;
}

function unauthorized(reason) {
  const description = DESCRIPTIONS[reason] ?? "the token is not valid";
  return problem(401, "invalid_token", description, {
    headers: { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
  });
}
