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
    return { claims: keyring.verifyActor(match[1], now) };
  } catch (err) {
    if (err?.code !== "invalid_token") throw err;
    return { response: unauthorized(err.reason) };
  }
}

function unauthorized(reason) {
  const description = DESCRIPTIONS[reason] ?? "the token is not valid";
  return problem(401, "invalid_token", description, {
    headers: { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
  });
}
