// Tokens from the real demo provider without a browser: the console's own flow (authorization code with
// PKCE, oauth4webapi), driven with fetch; the provider's page of people is answered with the form post a
// click on a person would send.
import * as oauth from "oauth4webapi";
import { CONSOLE_CLIENT } from "../demo/provider.js";

const LOOPBACK = { [oauth.allowInsecureRequests]: true };

/**
 * Signs `id` in at the provider of `issuer`, whose console client returns to `consoleUrl`.
 * @returns {Promise<{ accessToken: string, idToken: string, claims: object }>} `claims`: the ID token's
 */
export async function signInAs({ issuer, consoleUrl }, id) {
  const url = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, LOOPBACK));
  const client = { client_id: CONSOLE_CLIENT.clientId };
  const redirectUri = `${consoleUrl}/`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const authorize = new URL(as.authorization_endpoint);
  authorize.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirectUri, response_type: "code",
    scope: CONSOLE_CLIENT.scope, code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256", state, prompt: "login" }).toString();

  // The browser's part: follow the redirects with the provider's cookies, pick the person on its page.
  const cookies = new Map();
  const visit = async (target, init = {}) => {
    const res = await fetch(target, { ...init, redirect: "manual",
      headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
    await res.arrayBuffer();
    if (res.status < 300 || res.status > 399) throw new Error(`${target} answered ${res.status}`);
    return new URL(res.headers.get("location"), issuer);
  };
  let next = await visit(authorize);
  next = await visit(next, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ account: id }).toString() });
  while (!next.href.startsWith(redirectUri)) next = await visit(next);

  const params = oauth.validateAuthResponse(as, client, next, state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, LOOPBACK);
  const result = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: oauth.expectNoNonce });
  return { accessToken: result.access_token, idToken: result.id_token, claims: oauth.getValidatedIdTokenClaims(result) };
}
