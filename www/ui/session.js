// The console's sign-in: OpenID Connect authorization code with PKCE, as a public client, at the identity
// provider `/demo/sign-in` names (oauth4webapi does the protocol). The tokens stay in this tab's
// sessionStorage; the access token is the Bearer token of every admin API call.
import * as oauth from "oauth4webapi";

const SESSION = "rolegate.session";
const PENDING = "rolegate.sign-in";
/** The demo's provider is on http://127.0.0.1; a deployment's is on https and needs no such option. */
const LOOPBACK = { [oauth.allowInsecureRequests]: true };

/** The console's own URL: where the provider sends the browser back after sign-in and sign-out. */
const home = () => `${location.origin}/`;

/** A sign-in the provider refused or the person cancelled (`code`: the OAuth error, e.g. access_denied). */
export class SignInError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** The provider's metadata (OIDC discovery) and the console's client. */
async function provider() {
  const res = await fetch("/demo/sign-in");
  if (!res.ok) throw new SignInError(`the sign-in configuration is unavailable (${res.status})`, "unavailable");
  const { issuer, clientId, scope } = await res.json();
  const url = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, LOOPBACK));
  return { as, client: { client_id: clientId }, scope };
}

/**
 * Sends the browser to the provider. `choose`: show its page of people even while signed in there
 * (first sign-in, switching user); without it a live session at the provider signs in again at once.
 */
export async function signIn({ choose = true } = {}) {
  const { as, client, scope } = await provider();
  const pending = { verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce() };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id, redirect_uri: home(), response_type: "code", scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: "S256",
    state: pending.state, nonce: pending.nonce, ...(choose && { prompt: "login" }),
  }).toString();
  location.assign(url);
}

/**
 * When the provider sent the browser back with a code (or an error), exchanges it for tokens and keeps
 * the session; otherwise null. Throws SignInError for a refused or cancelled sign-in.
 * @returns {Promise<Session | null>}
 * @typedef {{ sub: string, tenant: string, name: string, accessToken: string, idToken: string, expiresAt: number }} Session
 */
export async function completeSignIn() {
  const here = new URL(location.href);
  if (!here.searchParams.has("state")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", home());
  if (!pending) throw new SignInError("this sign-in was not started here; sign in again", "unexpected");
  const { as, client } = await provider();
  let result;
  try {
    const params = oauth.validateAuthResponse(as, client, here, pending.state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, home(), pending.verifier, LOOPBACK);
    result = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: pending.nonce });
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError || err instanceof oauth.ResponseBodyError) {
      throw new SignInError(err.error_description || err.error, err.error);
    }
    throw err;
  }
  const { sub, tenant, name } = oauth.getValidatedIdTokenClaims(result);
  const session = { sub, tenant, name, accessToken: result.access_token, idToken: result.id_token,
    expiresAt: Date.now() + result.expires_in * 1000 };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  return session;
}

/** The session of this tab (possibly expired: see `expiresAt`), or null. */
export function currentSession() {
  return JSON.parse(sessionStorage.getItem(SESSION) ?? "null");
}

/** Forgets the tokens, then ends the session at the provider, which sends the browser back here. */
export async function signOut() {
  const session = currentSession();
  sessionStorage.removeItem(SESSION);
  const { as, client } = await provider();
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({ client_id: client.client_id, post_logout_redirect_uri: home(),
    ...(session && { id_token_hint: session.idToken }) }).toString();
  location.assign(url);
}
