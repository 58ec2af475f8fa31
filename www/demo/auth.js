// The demo origin's check of the console's access tokens: JWTs (RFC 9068, `typ: at+jwt`) from the
// identity provider, verified through its JWKS (found by OIDC discovery), with its issuer and the
// admin API's audience. jose caches the key set and refetches it (at most every 30 s) for an unknown kid.
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { HttpProblem } from "./http.js";

const ALGORITHMS = ["ES256", "RS256"];

/**
 * @param {{ issuer: string, audience: string }} options
 * @returns {(authorization: string | undefined) => Promise<object>} the verified claims of a
 *   `Bearer` header; throws HttpProblem 401 for a missing or invalid token, 503 while the provider's
 *   keys cannot be fetched
 */
export function tokenVerifier({ issuer, audience }) {
  let keys = null;
  /** The JWKS of the issuer's discovery document; a failed discovery is retried on the next request. */
  const keySet = () => {
    keys ??= fetch(`${issuer}/.well-known/openid-configuration`)
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`discovery answered ${res.status}`))))
      .then((meta) => createRemoteJWKSet(new URL(meta.jwks_uri)))
      .catch((err) => { keys = null; throw err; });
    return keys;
  };
  return async (authorization) => {
    const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw unauthorized("a bearer token is required", 'Bearer realm="rolegate-demo"');
    let jwks;
    try {
      jwks = await keySet();
      return (await jwtVerify(token, jwks, { issuer, audience, typ: "at+jwt", algorithms: ALGORITHMS })).payload;
    } catch (err) {
      if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) {
        throw unauthorized(`the token is not valid: ${err.message}`, 'Bearer realm="rolegate-demo", error="invalid_token"');
      }
      throw new HttpProblem(503, "keys_unavailable", "the identity provider's keys cannot be fetched");
    }
  };
}

const unauthorized = (message, challenge) =>
  new HttpProblem(401, "invalid_token", message, { "www-authenticate": challenge });
