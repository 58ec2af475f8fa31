// Tokens from a real OpenID Provider (oidc-provider on loopback) against real workerd: discovery,
// the per-isolate key cache (max-age, the 30 s refetch bound, rotation, an unknown kid, the provider
// down with a warm and a cold isolate), issuer and audience, token types, and key confusion.
// Every time is the injected clock (X-Test-Now): no test waits.
import assert from "node:assert/strict";
import { createHmac, createPublicKey } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { PRODUCT_A, baseSpec, rawJwt, tokenFor } from "./fixtures.js";
import { decisionLines, startRecordingOrigin, startWorkers } from "./harness.js";
import { DEFAULT_AUDIENCE, signingKey, startProvider } from "./provider.js";
import { DEFAULT_MAX_AGE_MS, MAX_MAX_AGE_MS, MIN_MAX_AGE_MS, maxAge } from "../src/jwks.js";

const MONA = { tenant: "acme", roles: ["UserManager", "User"] };
const T0 = Date.now();
const LONG = 3 * 24 * 3600; // seconds: tokens that outlive the clock moves below

let origin, workers, idp, rotating, down, maxAgeIdp, other, algs;
const url = {};
before(async () => {
  [origin, idp, rotating, down, maxAgeIdp, other, algs] = await Promise.all([
    startRecordingOrigin({ users: { acme: [{ id: "alice", roles: ["User"] }, { id: "mona", roles: MONA.roles }] } }),
    startProvider({ accounts: { mona: MONA } }),
    startProvider({ accounts: { mona: MONA } }),
    startProvider({ accounts: { mona: MONA } }),
    startProvider({ accounts: { mona: MONA }, jwksCacheControl: "public, max-age=120" }),
    startProvider({ accounts: { mona: MONA } }),
    startProvider({ accounts: { mona: MONA }, keys: await Promise.all(["EdDSA", "PS256"].map((alg) => signingKey(alg))) }),
  ]);
  const oidc = (provider, vars = {}) => ({
    origin: origin.url, policy: PRODUCT_A, testClock: true, decisionLog: "off",
    vars: { AUTH_ISSUER: provider.issuer, AUTH_AUDIENCE: DEFAULT_AUDIENCE, ...vars },
  });
  const specs = {
    discovery: oidc(idp),
    jwksUrl: oidc(idp, { AUTH_ISSUER: "", AUTH_JWKS_URL: idp.jwksUri }),
    inline: oidc(idp, { AUTH_ISSUER: "", AUTH_JWKS: JSON.stringify(idp.jwks()) }),
    wrongIssuer: oidc(idp, { AUTH_JWKS_URL: idp.jwksUri, AUTH_ISSUER: "https://login.example.com" }),
    both: { ...baseSpec(origin.url, { testClock: true, decisionLog: "off" }), vars: oidc(idp).vars },
    rotation: oidc(rotating),
    warm: oidc(down),
    cold: oidc(down),
    maxAge: oidc(maxAgeIdp),
    algs: oidc(algs),
  };
  const names = Object.keys(specs);
  workers = await startWorkers(names.map((n) => specs[n]));
  names.forEach((n, i) => { url[n] = workers.urls[i]; });
});
after(async () => {
  await workers?.stop();
  await Promise.all([origin, idp, rotating, down, maxAgeIdp, other, algs].map((s) => s?.close()));
});
beforeEach(() => origin.clear());

/** POST add-user (no target lookup) with `token` at `T0 + ms` on the injected clock. */
const add = (worker, token, ms = 0, headers = { authorization: `Bearer ${token}` }) => send(url[worker], {
  method: "POST", path: "/api/tenants/acme/users",
  headers: { "content-type": "application/json", "x-test-now": String(T0 + ms), ...headers },
  body: JSON.stringify({ email: "new@acme.test", roles: ["User"] }),
});
const reason = (res) => /error_description="([^"]*)"/.exec(res.headers["www-authenticate"] ?? "")?.[1];
const SECONDS = 1000;
const MINUTES = 60 * SECONDS;

describe("discovery and verification", () => {
  test("AUTH_ISSUER: discovery finds jwks_uri; ES256 and RS256 access tokens (typ at+jwt) are actor tokens", async () => {
    const before = { ...idp.counts };
    for (const alg of ["ES256", "RS256"]) {
      const token = await idp.mint({ sub: "mona", alg });
      const res = await add("discovery", token);
      assert.equal(res.status, 201, `${alg}: ${res.text}`);
    }
    assert.equal(idp.counts.discovery - before.discovery, 1);
    assert.equal(idp.counts.jwks - before.jwks, 1, "one fetch serves both keys");
    assert.equal(origin.mutations().length, 2);
  });
  test("EdDSA and PS256 access tokens verify too", async () => {
    for (const alg of ["EdDSA", "PS256"]) {
      const res = await add("algs", await algs.mint({ sub: "mona", alg }));
      assert.equal(res.status, 201, `${alg}: ${res.text}`);
    }
  });
  test("AUTH_JWKS_URL and inline AUTH_JWKS verify the same tokens; an inline set is never fetched", async () => {
    const token = await idp.mint({ sub: "mona" });
    const fetches = idp.counts.jwks;
    assert.equal((await add("inline", token)).status, 201);
    assert.equal(idp.counts.jwks, fetches);
    assert.equal((await add("jwksUrl", token)).status, 201);
    assert.equal(idp.counts.jwks, fetches + 1);
  });
  test("typ: at+jwt, application/at+jwt, JWT or none are actor tokens; another type is not", async () => {
    for (const typ of ["at+jwt", "application/at+jwt", "JWT", undefined]) {
      assert.equal((await add("discovery", await idp.mint({ sub: "mona", header: { typ } }))).status, 201, String(typ));
    }
    for (const spec of [{ header: { typ: "invite+jwt" } }, { header: { typ: 5 } }, { payload: { purpose: "invitation" } }]) {
      const res = await add("discovery", await idp.mint({ sub: "mona", ...spec }));
      assert.equal(`${res.status} ${reason(res)}`, "401 this is not an actor token");
    }
  });
  test("the token's iss must be AUTH_ISSUER and its aud contain AUTH_AUDIENCE", async () => {
    const cases = [
      [{ payload: { iss: "https://login.example.com" } }, "the token issuer is not accepted"],
      [{ payload: { aud: "urn:another:api" } }, "the token audience is not accepted"],
      [{ payload: { exp: undefined } }, "the token claims are not valid"],
    ];
    for (const [spec, description] of cases) {
      const res = await add("discovery", await idp.mint({ sub: "mona", ...spec }));
      assert.equal(`${res.status} ${reason(res)}`, `401 ${description}`, JSON.stringify(spec));
    }
    const listed = await add("discovery", await idp.mint({ sub: "mona", payload: { aud: ["urn:another:api", DEFAULT_AUDIENCE] } }));
    assert.equal(listed.status, 201, "an aud array containing AUTH_AUDIENCE");
    const wrong = await add("wrongIssuer", await idp.mint({ sub: "mona" }));
    assert.equal(`${wrong.status} ${reason(wrong)}`, "401 the token issuer is not accepted", "signed by the right keys, from another issuer");
  });
  test("a token from another provider, expired, not yet valid or tampered is 401", async () => {
    const foreign = await add("discovery", await other.mint({ sub: "mona" }));
    assert.equal(`${foreign.status} ${reason(foreign)}`, "401 the token key id is not known");
    const token = await idp.mint({ sub: "mona", expiresIn: 600 });
    const exp = JSON.parse(Buffer.from(token.split(".")[1], "base64url")).exp * 1000;
    const late = await add("discovery", token, exp - T0 + 61 * SECONDS);
    assert.equal(`${late.status} ${reason(late)}`, "401 the token has expired");
    assert.equal((await add("discovery", token, exp - T0 + 59 * SECONDS)).status, 201, "within TOKEN_LEEWAY_SECONDS");
    const early = await add("discovery", await idp.mint({ sub: "mona", payload: { nbf: Math.floor(T0 / 1000) + 3600 } }));
    assert.equal(`${early.status} ${reason(early)}`, "401 the token is not valid yet");
    const [h, p, s] = token.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url")), roles: ["CustomerAdmin"] })).toString("base64url")}.${s}`;
    const tampered = await add("discovery", forged);
    assert.equal(`${tampered.status} ${reason(tampered)}`, "401 the token signature is not valid");
  });
  test("claims that do not have the configured shape are 401 invalid_claims", async () => {
    for (const claims of [{ roles: ["User"] }, { tenant: "acme", roles: [1] }, { tenant: 7, roles: [] }]) {
      const res = await add("discovery", await idp.mint({ sub: "mona", claims }));
      assert.equal(`${res.status} ${reason(res)}`, "401 the token claims are not valid", JSON.stringify(claims));
    }
  });
  test("HS256 (AUTH_KEYS) keeps working beside the JWK Set", async () => {
    assert.equal((await add("both", tokenFor("acme", "mona"))).status, 201);
    assert.equal((await add("both", await idp.mint({ sub: "mona" }))).status, 201);
    const hs = await add("discovery", tokenFor("acme", "mona"));
    assert.equal(`${hs.status} ${reason(hs)}`, "401 the token algorithm is not accepted", "no AUTH_KEYS: HS256 is not accepted");
  });
});

describe("key confusion", () => {
  const claims = () => ({ sub: "mona", ...MONA, iss: idp.issuer, aud: DEFAULT_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 });
  test("an RSA public key's bytes used as an HS256 secret never verify", async () => {
    const rsa = idp.jwks().keys.find((k) => k.kty === "RSA");
    const pub = createPublicKey({ key: rsa, format: "jwk" });
    const secrets = [pub.export({ type: "spki", format: "pem" }), pub.export({ type: "pkcs1", format: "pem" }),
      pub.export({ type: "spki", format: "der" }), JSON.stringify(rsa), Buffer.from(rsa.n, "base64url")];
    for (const secret of secrets) {
      for (const header of [{ alg: "HS256", typ: "at+jwt", kid: rsa.kid }, { alg: "HS256" }]) {
        const token = rawJwt(header, claims(), { secret });
        for (const worker of ["discovery", "both", "inline"]) {
          const res = await add(worker, token);
          assert.equal(res.status, 401, `${worker} ${JSON.stringify(header)}`);
        }
      }
    }
    assert.equal(origin.mutations().length, 0);
  });
  test("alg none, or an algorithm the key is not for, never verifies", async () => {
    const body = Buffer.from(JSON.stringify(claims())).toString("base64url");
    const es = idp.jwks().keys.find((k) => k.kty === "EC");
    for (const alg of ["none", "None", "NONE"]) {
      const none = `${Buffer.from(JSON.stringify({ alg, kid: es.kid })).toString("base64url")}.${body}.`;
      const res = await add("discovery", none);
      assert.equal(`${res.status} ${reason(res)}`, "401 the token algorithm is not accepted", alg);
    }
    // A token whose header claims RS256 or HS384 with the EC key's kid: that key is only for ES256.
    const es256 = await idp.mint({ sub: "mona", alg: "ES256" });
    for (const alg of ["RS256", "PS256", "ES384", "HS512"]) {
      const [h, p, s] = es256.split(".");
      const relabeled = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(h, "base64url")), alg })).toString("base64url")}.${p}.${s}`;
      assert.equal((await add("discovery", relabeled)).status, 401, alg);
    }
    // An RSA key published for RS256 does not verify PS256, even from the same private key.
    const rs = idp.keys.find((k) => k.alg === "RS256");
    const { SignJWT, importJWK } = await import("jose");
    const ps256 = await new SignJWT(claims()).setProtectedHeader({ alg: "PS256", kid: rs.kid, typ: "at+jwt" })
      .sign(await importJWK(rs, "PS256"));
    assert.equal((await add("discovery", ps256)).status, 401);
    assert.equal(origin.mutations().length, 0);
  });
  test("an HS256 token signed with the HMAC of the JWK Set text is refused", async () => {
    const token = rawJwt({ alg: "HS256" }, claims(), { signature: createHmac("sha256", JSON.stringify(idp.jwks())).update("x").digest("base64url") });
    assert.equal((await add("inline", token)).status, 401);
  });
});

describe("the key cache (per isolate, on the injected clock)", () => {
  test("max-age is honoured within 30 s – 24 h; none is 10 min; no-cache and no-store the lower bound", () => {
    assert.deepEqual([MIN_MAX_AGE_MS, DEFAULT_MAX_AGE_MS, MAX_MAX_AGE_MS], [30_000, 600_000, 86_400_000]);
    const cases = [["public, max-age=300", 300_000], ["max-age=5", 30_000], ["max-age=31536000", 86_400_000], ["", 600_000],
      ["no-store", 30_000], ["max-age=300, no-cache", 30_000], ["max-age=abc", 600_000], ['MAX-AGE="120"', 120_000]];
    for (const [header, ms] of cases) assert.equal(maxAge(header), ms, header);
  });

  test("rotation at the provider: the new key is fetched once; old tokens verify while the old key is published", async () => {
    const base = rotating.counts.jwks;
    const old = await rotating.mint({ sub: "mona", expiresIn: LONG });
    assert.equal((await add("rotation", old, 0)).status, 201);
    assert.equal(rotating.counts.jwks - base, 1, "the first fetch");

    const oldKid = rotating.keys[0].kid;
    await rotating.rotate({ alg: "ES256" });
    const fresh = await rotating.mint({ sub: "mona", expiresIn: LONG });
    const tooSoon = await add("rotation", fresh, 10 * SECONDS);
    assert.equal(`${tooSoon.status} ${reason(tooSoon)}`, "401 the token key id is not known", "within 30 s of the first fetch: no refetch");
    assert.equal(rotating.counts.jwks - base, 1);

    assert.equal((await add("rotation", fresh, 31 * SECONDS)).status, 201, "the unknown kid triggers one refetch");
    assert.equal(rotating.counts.jwks - base, 2);
    assert.equal((await add("rotation", old, 32 * SECONDS)).status, 201, "the old key is still in the set");

    // A flood of made-up kids is not a flood of fetches.
    const forged = (kid) => rotating.mint({ sub: "mona", expiresIn: LONG, header: { kid } });
    for (let i = 0; i < 20; i++) {
      const res = await add("rotation", await forged(`made-up-${i}`), 33 * SECONDS + i * SECONDS);
      assert.equal(res.status, 401);
    }
    assert.equal(rotating.counts.jwks - base, 2, "no fetch within 30 s of the last");
    await Promise.all(Array.from({ length: 10 }, async (_, i) => add("rotation", await forged(`burst-${i}`), 61 * SECONDS + 1)));
    assert.equal(rotating.counts.jwks - base, 3, "concurrent unknown kids share one refetch");

    // The old key leaves the set: old tokens stop verifying once the cache is refreshed (max-age 10 min by default).
    rotating.removeKey(oldKid);
    assert.equal((await add("rotation", old, 5 * MINUTES)).status, 201, "cached set still fresh");
    const gone = await add("rotation", old, 12 * MINUTES);
    assert.equal(`${gone.status} ${reason(gone)}`, "401 the token key id is not known");
    assert.equal(rotating.counts.jwks - base, 4, "one fetch when max-age ran out");
    assert.equal((await add("rotation", fresh, 12 * MINUTES + 1)).status, 201);
  });

  test("Cache-Control max-age is honoured: no fetch before it runs out, one after", async () => {
    const base = maxAgeIdp.counts.jwks;
    const token = await maxAgeIdp.mint({ sub: "mona", expiresIn: LONG });
    assert.equal((await add("maxAge", token, 0)).status, 201);
    assert.equal((await add("maxAge", token, 119 * SECONDS)).status, 201);
    assert.equal(maxAgeIdp.counts.jwks - base, 1);
    assert.equal((await add("maxAge", token, 121 * SECONDS)).status, 201);
    assert.equal(maxAgeIdp.counts.jwks - base, 2);
  });

  test("provider down, warm isolate: cached keys keep serving; an unknown kid is 401; recovery needs no restart", async () => {
    const token = await down.mint({ sub: "mona", expiresIn: LONG });
    assert.equal((await add("warm", token, 0)).status, 201);
    await down.stop();
    try {
      assert.equal((await add("warm", token, 11 * MINUTES)).status, 201, "past max-age, the refetch fails, the cached key serves");
      const unknown = await down.mint({ sub: "mona", header: { kid: "never-published" }, expiresIn: LONG });
      const res = await add("warm", unknown, 12 * MINUTES);
      assert.equal(`${res.status} ${reason(res)}`, "401 the token key id is not known");
      assert.equal(origin.mutations().length, 2, "the two verified requests only");
    } finally {
      await down.start();
    }
    const kid = await down.rotate({ alg: "ES256" });
    const fresh = await down.mint({ sub: "mona", kid, expiresIn: LONG });
    assert.equal((await add("warm", fresh, 13 * MINUTES)).status, 201, "back up: the new key is fetched");
  });

  test("provider down, cold isolate: 503 keys_unavailable, nothing forwarded, then recovers by itself", async () => {
    const token = await down.mint({ sub: "mona", expiresIn: LONG });
    await down.stop();
    let base;
    try {
      for (const ms of [0, 10 * SECONDS]) {
        const res = await add("cold", token, ms);
        assert.equal(`${res.status} ${res.json?.code}`, "503 keys_unavailable", res.text);
      }
      assert.equal(origin.mutations().length, 0);
    } finally {
      await down.start();
      base = down.counts.jwks;
    }
    const soon = await add("cold", token, 20 * SECONDS);
    assert.equal(soon.status, 503, "within 30 s of the failed fetch: no new attempt");
    assert.equal(down.counts.jwks, base);
    assert.equal((await add("cold", token, 31 * SECONDS)).status, 201, "the next attempt succeeds");
    assert.equal(down.counts.jwks, base + 1);
    assert.match(workers.logs.join(""), /AUTH_ISSUER: keys could not be fetched/);
  });
});

test("no token, a malformed one, or an unprotected path: as before", async () => {
  const none = await add("discovery", undefined, 0, {});
  assert.equal(`${none.status} ${reason(none)}`, "401 a bearer token is required");
  const bad = await add("discovery", undefined, 0, { authorization: "Bearer not.a.jwt" });
  assert.equal(`${bad.status} ${reason(bad)}`, "401 the token is malformed");
  assert.equal((await send(url.discovery, { path: "/health" })).status, 200);
  assert.deepEqual(decisionLines(workers.logs.join("")), [], "decision log off in this suite");
});
