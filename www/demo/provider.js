// The demo's OpenID Provider: `oidc-provider` (a certified implementation) on loopback, signing people
// in from the demo's directory with a small page that lists them. The console is its one client: public,
// authorization code with PKCE. Access tokens are JWTs (RFC 9068, `typ: at+jwt`) for the admin API,
// audience ADMIN_AUDIENCE, carrying the person's tenant and current roles, signed with ES256; the key
// set also holds an RS256 key (published, for rotation). Keys live in `<dataDir>/provider-keys.json`.
// Not built on the worker tests' harness (worker/test/provider.js, which the origin tests use): that one
// fixes its clients and routes when it starts, while this one serves its own sign-in pages and learns its
// client's redirect URI (the worker's URL) after its issuer is known (the worker needs the issuer).
import { createServer } from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider, { errors } from "oidc-provider";
import { createMemoryAdapter } from "oidc-provider/lib/adapters/memory_adapter.js";
import { openStore } from "./store.js";
import { interactionPage, logoutPage, problemPage } from "./provider-pages.js";

/** The admin API as a resource server: the resource indicator the console asks for and the tokens' `aud`. */
export const ADMIN_AUDIENCE = "urn:rolegate:admin";
/** The console's client id and what it asks for: `rolegate` carries tenant and roles in the ID token. */
export const CONSOLE_CLIENT = { clientId: "rolegate-console", scope: "openid profile email rolegate admin" };
const ADMIN_SCOPE = "admin";
const ACCESS_TOKEN_TTL_SEC = 3600;
/** How long a sign-in at the provider lasts (a console whose token expired signs in again without the picker). */
const SESSION_TTL_SEC = 8 * 3600;
const MAX_FORM = 4096;

/**
 * Listens on loopback first, so the issuer is known before the origin and the worker start (the
 * worker's URL, the console's, is the client's redirect URI); answers 503 until `configure`.
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ issuer: string, configure(options: ConfigureOptions): void, close(): Promise<void> }>}
 * @typedef {{ dataDir: string, directory: ReturnType<import("./directory.js").openDirectory>,
 *   consoleUrl: string }} ConfigureOptions
 */
export async function startDemoProvider({ port = 0, host = "127.0.0.1" } = {}) {
  let handle = (req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const issuer = `http://${host}:${server.address().port}`;
  return {
    issuer,
    configure(options) {
      handle = handler(issuer, options);
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The provider's request handler: the sign-in pages here, everything else is oidc-provider's. */
function handler(issuer, { dataDir, directory, consoleUrl }) {
  const keys = loadProviderKeys(dataDir);
  const consoleHome = `${consoleUrl}/`;
  const provider = new Provider(issuer, {
    // Sessions, grants and codes in memory: a restart signs everyone out of the provider (tokens stay valid).
    adapter: createMemoryAdapter(),
    clients: [{
      client_id: CONSOLE_CLIENT.clientId, client_name: "rolegate console", application_type: "web",
      token_endpoint_auth_method: "none", grant_types: ["authorization_code"], response_types: ["code"],
      redirect_uris: [consoleHome], post_logout_redirect_uris: [consoleHome],
    }],
    clientDefaults: { id_token_signed_response_alg: "ES256" },
    ttl: { AccessToken: ACCESS_TOKEN_TTL_SEC, IdToken: ACCESS_TOKEN_TTL_SEC, AuthorizationCode: 60, Interaction: 600,
      Session: SESSION_TTL_SEC, Grant: SESSION_TTL_SEC },
    jwks: { keys: keys.jwks },
    cookies: { keys: keys.cookies },
    claims: { openid: ["sub"], profile: ["name"], email: ["email"], rolegate: ["tenant", "roles"] },
    // The console reads who signed in from the ID token (no userinfo round trip).
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => {
      const found = directory.signInAccount(id);
      if (!found) return undefined;
      const { tenant, user } = found;
      return { accountId: id, claims: () => ({ sub: id, name: user.name, email: user.email, tenant, roles: user.roles }) };
    },
    // The tenant and roles the person holds when the token is issued.
    extraTokenClaims: (ctx, token) => {
      if (token.kind !== "AccessToken") return undefined;
      const found = directory.signInAccount(token.accountId);
      return found ? { tenant: found.tenant, roles: found.user.roles } : undefined;
    },
    // A first-party console: no consent screen, its grant is made when the person signs in.
    loadExistingGrant: async (ctx) => {
      const { clientId } = ctx.oidc.client;
      const { accountId } = ctx.oidc.session;
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(clientId);
      const existing = grantId && await ctx.oidc.provider.Grant.find(grantId);
      if (existing?.accountId === accountId) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope("openid profile email rolegate");
      grant.addResourceScope(ADMIN_AUDIENCE, ADMIN_SCOPE);
      await grant.save();
      return grant;
    },
    clientBasedCORS: (ctx, origin) => origin === consoleUrl,
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ADMIN_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== ADMIN_AUDIENCE) throw new errors.InvalidTarget();
          return { scope: ADMIN_SCOPE, audience: ADMIN_AUDIENCE, accessTokenTTL: ACCESS_TOKEN_TTL_SEC,
            accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => { ctx.body = logoutPage(form); },
        postLogoutSuccessSource: (ctx) => { ctx.body = problemPage("Signed out", "You are signed out of the demo provider."); },
      },
    },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = problemPage("Sign-in failed", out.error_description ?? out.error);
    },
  });
  const callback = provider.callback();
  return (req, res) => {
    const m = new URL(req.url, issuer).pathname.match(/^\/interaction\/([\w-]+)(\/abort)?$/);
    if (!m) return callback(req, res);
    interaction(provider, directory, req, res, Boolean(m[2])).catch((err) => {
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      res.end(problemPage("Sign-in failed", err.message));
    });
  };
}

/**
 * The sign-in step: GET lists the people who may sign in; POST `account=<id>` signs that person in;
 * `/abort` cancels (the console gets `access_denied`). The interaction is bound to its cookie.
 */
async function interaction(provider, directory, req, res, abort) {
  const details = await provider.interactionDetails(req, res);
  if (abort) {
    return provider.interactionFinished(req, res,
      { error: "access_denied", error_description: "sign-in cancelled" }, { mergeWithLastSubmission: false });
  }
  const page = (status, error) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(interactionPage({ uid: details.uid, people: directory.signInList(), hint: details.params.login_hint, error }));
  };
  if (req.method === "GET") return page(200);
  if (req.method !== "POST") return page(405, "Use the buttons on this page.");
  const form = new URLSearchParams(await readForm(req));
  const id = form.get("account") ?? "";
  if (!directory.signInAccount(id)) return page(400, `${id || "Nobody"} cannot sign in here.`);
  return provider.interactionFinished(req, res, { login: { accountId: id } }, { mergeWithLastSubmission: false });
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_FORM) throw new Error("the form is too large");
  }
  return body;
}

/** The provider's signing keys (ES256 signs; RS256 is published for rotation) and cookie keys, made once. */
function loadProviderKeys(dataDir) {
  const kid = (alg) => `${alg.toLowerCase()}-${randomBytes(6).toString("hex")}`;
  const jwk = (alg, type, options) =>
    ({ ...generateKeyPairSync(type, options).privateKey.export({ format: "jwk" }), kid: kid(alg), alg, use: "sig" });
  return openStore(dataDir, "provider-keys.json", () => ({
    jwks: [jwk("ES256", "ec", { namedCurve: "P-256" }), jwk("RS256", "rsa", { modulusLength: 2048 })],
    cookies: [randomBytes(32).toString("base64url")],
  })).doc;
}
