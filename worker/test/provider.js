// A real OpenID Provider on loopback for tests and the demo: `oidc-provider` (a certified
// implementation) signing with ES256 and RS256 keys it publishes at its JWKS endpoint. Keys can be
// rotated, the provider stopped and restarted on the same port, JWKS fetches are counted, and real
// RFC 9068 access tokens (JWT, `typ: at+jwt`, signed by the provider) are minted with any claims.
// API: see worker/README.md ("A real identity provider for tests").
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import { createMemoryAdapter } from "oidc-provider/lib/adapters/memory_adapter.js";
import { createServer } from "node:http";

/** The client programmatic tokens are issued to (RFC 9068 `client_id`). */
export const TEST_CLIENT_ID = "rolegate-tests";
/** The default audience (resource indicator) of the access tokens. */
export const DEFAULT_AUDIENCE = "urn:rolegate:edge";

/**
 * A private signing JWK (`kid`, `alg`, `use: sig`) for `alg`: "ES256", "RS256", "PS256" or "EdDSA".
 * @returns {Promise<object>}
 */
export async function signingKey(alg, kid = `${alg.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" && { crv: "Ed25519" }) });
  return { ...(await exportJWK(privateKey)), kid, alg, use: "sig" };
}

/** The public half of a private JWK. */
export function publicJwk({ d, p, q, dp, dq, qi, ...pub }) {
  return pub;
}

/**
 * @typedef {object} ProviderOptions
 * @property {number} [port] loopback port (default 0: any free one); kept across stop() / start()
 * @property {object[]} [keys] private signing JWKs, the first signs (default: a new ES256 key, then a new RS256 key)
 * @property {string} [audience] the access tokens' `aud` (default DEFAULT_AUDIENCE)
 * @property {number} [accessTokenTtl] seconds (default 600)
 * @property {Record<string, object>} [accounts] claims by account id: carried by access tokens issued
 *   through the provider's own flows (e.g. a sign-in) and answered by `findAccount` (userinfo, ID token)
 * @property {object[]} [clients] more client metadata (e.g. a console client with redirect_uris)
 * @property {object} [configuration] more oidc-provider configuration, applied last (`features` merged one level down)
 * @property {string} [jwksCacheControl] Cache-Control of JWKS responses (default none); also a settable property
 */

/**
 * Starts the provider on 127.0.0.1. Issuer `http://127.0.0.1:{port}`, discovery at
 * `{issuer}/.well-known/openid-configuration`, keys at `{issuer}/jwks`.
 * @param {ProviderOptions} [options]
 */
export async function startProvider(options = {}) {
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const ttl = options.accessTokenTtl ?? 600;
  const accounts = options.accounts ?? {};
  let keys = options.keys ?? [await signingKey("ES256"), await signingKey("RS256")];
  /** Claims of tokens being minted, read back by oidc-provider's hooks while it signs them. */
  const minting = new WeakMap();
  let provider;
  const counts = { jwks: 0, discovery: 0 };

  const build = () => {
    const { features, ...rest } = options.configuration ?? {};
    provider = new Provider(handle.issuer, {
      adapter: createMemoryAdapter(),
      jwks: { keys },
      clients: [{ client_id: TEST_CLIENT_ID, client_secret: crypto.randomUUID(), redirect_uris: ["http://127.0.0.1/unused"] }, ...(options.clients ?? [])],
      clientDefaults: { id_token_signed_response_alg: keys[0].alg },
      ttl: { AccessToken: ttl, IdToken: 3600, Interaction: 3600, Session: 86400, Grant: 86400 },
      findAccount: (_ctx, id) => accounts[id] && { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) },
      features: {
        devInteractions: { enabled: false },
        // Tokens from the provider's own flows are JWT access tokens for `audience`, like minted ones.
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: () => resourceServer(),
        },
        ...features,
      },
      extraTokenClaims: (_ctx, token) => minting.get(token)?.claims ?? accounts[token.accountId],
      formats: {
        customizers: {
          jwt: (_ctx, token, jwt) => {
            const { payload, header } = minting.get(token) ?? {};
            for (const [name, value] of Object.entries(payload ?? {})) {
              if (value === undefined) delete jwt.payload[name];
              else jwt.payload[name] = value;
            }
            if (header) jwt.header = header;
          },
        },
      },
      ...rest,
    });
    return provider.callback();
  };
  const resourceServer = (alg = keys[0].alg, kid = undefined) => ({
    scope: "openid profile", audience, accessTokenTTL: ttl, accessTokenFormat: "jwt", jwt: { sign: { alg, kid } },
  });

  let callback;
  const server = createServer((req, res) => {
    const path = req.url.split("?")[0];
    if (path === "/jwks") {
      counts.jwks++;
      if (handle.jwksCacheControl) res.setHeader("cache-control", handle.jwksCacheControl);
    }
    if (path === "/.well-known/openid-configuration") counts.discovery++;
    callback(req, res);
  });
  const listen = (port) => new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => { server.off("error", fail); ok(); });
  });
  await listen(options.port ?? 0);
  const port = server.address().port;

  const handle = {
    issuer: `http://127.0.0.1:${port}`,
    port,
    jwksUri: `http://127.0.0.1:${port}/jwks`,
    /** Requests served so far: `{ jwks, discovery }`. */
    counts,
    jwksCacheControl: options.jwksCacheControl,
    /** The oidc-provider instance (replaced when the keys change). */
    get provider() { return provider; },
    /** The current private signing keys, the signing one first. */
    get keys() { return keys; },
    /** The JWK Set the provider publishes (public keys). */
    jwks: () => ({ keys: keys.map(publicJwk) }),

    /**
     * A real access token for `sub`, issued and signed by the provider (its `typ: at+jwt`, `iss`, `aud`,
     * `iat`, `exp`, `jti`, `client_id`, `scope`), carrying `claims` (default: the account's).
     * `payload` then sets or (with undefined) removes any claim, `iss`, `aud` and `exp` included;
     * `header` sets or (with undefined) removes protected header members (`typ`, `kid`; `alg` stays the key's).
     * @param {{ sub: string, claims?: object, alg?: string, kid?: string, payload?: object, header?: object, expiresIn?: number }} spec
     *   `alg` / `kid`: sign with the first key of that algorithm / that key (default: the current key)
     * @returns {Promise<string>}
     */
    async mint({ sub, claims = accounts[sub] ?? {}, alg, kid, payload, header, expiresIn = ttl }) {
      const key = kid ? keys.find((k) => k.kid === kid) : alg ? keys.find((k) => k.alg === alg) : keys[0];
      if (!key) throw new Error(`provider: no key ${kid ?? alg}`);
      const client = await provider.Client.find(TEST_CLIENT_ID);
      const token = new provider.AccessToken({
        client, accountId: sub, expiresIn, scope: "openid",
        resourceServer: new provider.ResourceServer(audience, resourceServer(key.alg, key.kid)),
      });
      minting.set(token, { claims, payload, header });
      return token.save();
    },

    /**
     * Rotates the keys: a new key of `alg` signs from now on; the previous ones stay in the published
     * set (`keepOld`, default) or are removed. Returns the new key's kid.
     */
    async rotate({ alg = "ES256", keepOld = true } = {}) {
      const key = await signingKey(alg);
      keys = keepOld ? [key, ...keys] : [key];
      callback = build();
      return key.kid;
    },
    /** Removes a key from the published set (and from signing). */
    removeKey(kid) {
      keys = keys.filter((k) => k.kid !== kid);
      callback = build();
    },
    /** Provider down: stops listening (connections refused) until start(). */
    async stop() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
    /** Listens again on the same port, with the same keys. */
    start: () => listen(port),
    close: () => (server.listening ? handle.stop() : Promise.resolve()),
  };
  callback = build();
  return handle;
}
