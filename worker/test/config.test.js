// Configuration: fail closed without a valid policy, keys or origin; key rotation; issuer,
// audience and leeway; the target-roles cache and its bound; the test clock only when enabled.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { AUTH_KEYS, PRODUCT_B, SECRET_MARKER, USERS, actorKeys, baseSpec, inviteKeys, rawJwt, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorkers } from "./harness.js";

const SPECS = {
  brokenJson: { vars: { POLICY: "{ not json" }, tenantPolicies: undefined },
  invalidPolicy: { policy: { version: 1, features: {}, roles: { X: { grants: { nope: "max" } } } }, tenantPolicies: undefined },
  noPolicy: { policy: undefined, tenantPolicies: undefined },
  noKeys: { authKeys: undefined, inviteKey: undefined },
  shortKey: { authKeys: { k: `${SECRET_MARKER}short` } },
  brokenTenants: { vars: { TENANT_POLICIES: "[1, 2" } },
  // A member named twice inside a tenant's policy: JSON.parse would keep the last grantRule ("held").
  duplicateInTenant: { vars: { TENANT_POLICIES: JSON.stringify({ globex: PRODUCT_B }).replace('"grantRule":"rank"', '"grantRule":"rank","grantRule":"held"') } },
  oneBadTenant: { tenantPolicies: { globex: { ...PRODUCT_B, grantRule: "sideways" } } },
  newKeyOnly: { authKeys: { "auth-2025": AUTH_KEYS["auth-2025"] } },
  issuer: { issuer: "https://idp.test", audience: "rolegate-admin" },
  noLeeway: { leewaySec: 0 },
  noOrigin: { vars: { ORIGIN: "" } },
  cached: { targetCacheSeconds: 30, testClock: true },
  testClock: { testClock: true },
  production: {},
};

let origin, workers;
const url = {};
before(async () => {
  origin = await startRecordingOrigin({ users: USERS });
  const names = Object.keys(SPECS);
  workers = await startWorkers(names.map((n) => baseSpec(origin.url, SPECS[n])));
  names.forEach((n, i) => { url[n] = workers.urls[i]; });
});
after(async () => {
  await workers?.stop();
  await origin?.close();
});
beforeEach(() => origin.clear());

const invite = (worker, token = tokenFor("acme", "mona"), headers = {}) =>
  send(url[worker], { method: "POST", path: "/api/tenants/acme/users/alice/invitation", headers: { authorization: `Bearer ${token}`, ...headers } });
const protectedRequests = () => [
  { method: "POST", path: "/api/tenants/acme/users", headers: { authorization: `Bearer ${tokenFor("acme", "carl")}`, "content-type": "application/json" }, body: '{"email":"a@x","roles":["User"]}' },
  { method: "DELETE", path: "/api/tenants/acme/users/alice", headers: { authorization: `Bearer ${tokenFor("acme", "carl")}` } },
  { method: "POST", path: "/api/tenants/globex/users/ann/invitation", headers: { authorization: `Bearer ${tokenFor("globex", "ada")}` } },
  { method: "GET", path: `/invitations/accept?token=${inviteKeys.signInvitation({ sub: "alice", tenant: "acme", email: "a@x", inv: "i" }, Date.now())}` },
  { method: "PUT", path: "/api/tenants/acme/users/alice/roles", headers: { authorization: `Bearer ${tokenFor("acme", "carl")}`, "content-type": "application/json" }, body: '{"roles":["User"]}' },
  { method: "POST", path: "/api/tenants/acme/users/alice/disable", headers: { authorization: `Bearer ${tokenFor("acme", "carl")}` } },
  { method: "POST", path: "/api/tenants/acme/users/alice/enable", headers: { authorization: `Bearer ${tokenFor("acme", "carl")}` } },
];

describe("fail closed: every protected request refused with 503, nothing forwarded", () => {
  for (const [worker, code] of [
    ["brokenJson", "policy_unavailable"], ["invalidPolicy", "policy_unavailable"], ["noPolicy", "policy_unavailable"],
    ["brokenTenants", "policy_unavailable"], ["duplicateInTenant", "policy_unavailable"], ["noKeys", "keys_unavailable"], ["shortKey", "keys_unavailable"],
  ]) {
    test(`${worker}: ${code}`, async () => {
      for (const req of protectedRequests()) {
        if (worker === "shortKey" && req.path.startsWith("/invitations")) continue; // INVITE_KEY is fine there
        const res = await send(url[worker], req);
        assert.equal(res.status, 503, `${req.method} ${req.path}: ${res.text}`);
        assert.equal(res.json.code, code);
        assert.equal(res.headers["content-type"], "application/problem+json");
      }
      assert.deepEqual(origin.requests, []);
    });
  }
  test("an anonymous caller cannot tell a tenant without a policy from one with", async () => {
    const add = { method: "POST", path: "/api/tenants/nowhere/users", headers: { "content-type": "application/json" }, body: '{"email":"a@x","roles":["User"]}' };
    for (const worker of ["noPolicy", "production"]) {
      assert.equal((await send(url[worker], add)).status, 401, `${worker}: no token is 401 first`);
      const forged = rawJwt({ alg: "HS256", typ: "invite+jwt" }, { sub: "u", tenant: "nowhere", email: "a@x", inv: "i", iat: Math.floor(Date.now() / 1000), purpose: "invitation" }, { secret: "not-the-invite-key-not-the-invite-key" });
      const link = await send(url[worker], { path: `/invitations/accept?token=${forged}` });
      assert.equal(`${link.status} ${link.json.code}`, "400 invalid_invitation", `${worker}: a forged link is just invalid`);
    }
    assert.deepEqual(origin.requests, []);
  });
  test("unprotected paths still pass through with a broken policy", async () => {
    const res = await send(url.brokenJson, { path: "/api/tenants/acme/users" });
    assert.equal(res.status, 200);
    assert.equal(origin.requests.length, 1);
  });
  test("one tenant's invalid policy closes that tenant only", async () => {
    const bad = await send(url.oneBadTenant, protectedRequests()[2]);
    assert.equal(bad.status, 503);
    assert.equal(bad.json.code, "policy_unavailable");
    assert.deepEqual(origin.requests, []);
    const good = await invite("oneBadTenant");
    assert.equal(good.status, 200, good.text);
  });
  test("no ORIGIN: 503 origin_unavailable, even for unprotected paths", async () => {
    const res = await send(url.noOrigin, { path: "/anything" });
    assert.equal(res.status, 503);
    assert.equal(res.json.code, "origin_unavailable");
  });
  test("the logs say what is wrong, by path and code, and hold no secret", () => {
    const logs = workers.logs.join("");
    assert.match(logs, /POLICY: is not valid JSON|POLICY: invalid_policy/);
    assert.match(logs, /roles\.X\.grants\.nope: unknown_feature/);
    assert.match(logs, /AUTH_KEYS: invalid_key/);
    assert.match(logs, /TENANT_POLICIES: is not valid JSON/);
    assert.match(logs, /TENANT_POLICIES: duplicate_member \(globex\.grantRule\)/);
    assert.ok(!logs.includes(SECRET_MARKER), logs);
  });
});

describe("key rotation", () => {
  test("both kids verify while both keys are configured", async () => {
    for (const kid of ["auth-2024", "auth-2025"]) {
      const res = await invite("production", tokenFor("acme", "mona", { kid }));
      assert.equal(res.status, 200, `${kid}: ${res.text}`);
    }
  });
  test("a removed kid is refused; the remaining one verifies", async () => {
    const old = await invite("newKeyOnly", tokenFor("acme", "mona", { kid: "auth-2024" }));
    assert.equal(old.status, 401);
    assert.equal(old.json.code, "invalid_token");
    assert.match(old.headers["www-authenticate"], /error_description="the token key id is not known"/);
    const current = await invite("newKeyOnly", tokenFor("acme", "mona", { kid: "auth-2025" }));
    assert.equal(current.status, 200);
  });
  test("a token without kid is accepted only when one key is configured", async () => {
    const claims = { sub: "mona", tenant: "acme", roles: ["UserManager", "User"], exp: Math.floor(Date.now() / 1000) + 600 };
    const token = rawJwt({ alg: "HS256", typ: "JWT" }, claims);
    assert.equal((await invite("newKeyOnly", token)).status, 200);
    assert.equal((await invite("production", token)).status, 401);
  });
});

describe("issuer, audience, leeway", () => {
  const exp = () => Math.floor(Date.now() / 1000) + 600;
  test("issuer and audience are checked when configured", async () => {
    const right = tokenFor("acme", "mona", { iss: "https://idp.test", aud: "rolegate-admin" });
    assert.equal((await invite("issuer", right)).status, 200);
    for (const claims of [{}, { iss: "https://evil.test", aud: "rolegate-admin" }, { iss: "https://idp.test", aud: "other" }]) {
      const res = await invite("issuer", tokenFor("acme", "mona", { exp: exp(), ...claims }));
      assert.equal(res.status, 401, JSON.stringify(claims));
    }
    assert.deepEqual(origin.mutations().length, 1);
  });
  test("TOKEN_LEEWAY_SECONDS=0: expired a few seconds ago is refused", async () => {
    const token = tokenFor("acme", "mona", { exp: Math.floor(Date.now() / 1000) - 5 });
    assert.equal((await invite("noLeeway", token)).status, 401);
    assert.equal((await invite("production", token)).status, 200);
  });
});

describe("the test clock", () => {
  const farFuture = String(Date.now() + 3600_000);
  test("X-Test-Now moves the clock only where TEST_CLOCK=1", async () => {
    const token = tokenFor("acme", "mona");
    assert.equal((await invite("testClock", token, { "x-test-now": farFuture })).status, 401);
    assert.equal((await invite("production", token, { "x-test-now": farFuture })).status, 200);
  });
});

describe("a token verified once is not trusted beyond its own window", () => {
  const at = (ms) => ({ "x-test-now": String(ms) });
  test("past exp + leeway it is refused even though it passed before", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = tokenFor("acme", "mona", { exp, iat: exp - 601 });
    assert.equal((await invite("testClock", token, at(Date.now()))).status, 200);
    assert.equal((await invite("testClock", token, at(exp * 1000 + 30_000))).status, 200, "within the leeway");
    assert.equal((await invite("testClock", token, at((exp + 61) * 1000))).status, 401);
  });
  test("before nbf - leeway it is refused even though it passed later", async () => {
    const nbf = Math.floor(Date.now() / 1000) + 3600;
    const token = tokenFor("acme", "mona", { nbf, exp: nbf + 600 });
    assert.equal((await invite("testClock", token, at(nbf * 1000))).status, 200);
    assert.equal((await invite("testClock", token, at((nbf - 61) * 1000))).status, 401);
  });
});

describe("target roles cache (TARGET_CACHE_SECONDS=30)", () => {
  // The target's record (the actor's own is cached alike, below).
  const lookups = () => origin.requests.filter((r) => r.method === "GET" && r.path.endsWith("/alice")).length;
  test("reused within the window, read again after it, forgotten after a change through the edge", async () => {
    const t0 = Date.now();
    const at = (ms) => ({ "x-test-now": String(t0 + ms) });
    await invite("cached", undefined, at(0));
    assert.equal(lookups(), 1);
    await invite("cached", undefined, at(30_000));
    assert.equal(lookups(), 1, "cached for 30 s");
    await invite("cached", undefined, at(30_001));
    assert.equal(lookups(), 2, "read again after the window");
    const change = await send(url.cached, {
      method: "PUT", path: "/api/tenants/acme/users/alice/roles",
      headers: { authorization: `Bearer ${tokenFor("acme", "carl")}`, "content-type": "application/json", ...at(30_002) },
      body: '{"roles":["User"]}',
    });
    assert.equal(change.status, 200, change.text);
    assert.equal(lookups(), 2, "still cached for the change itself");
    await invite("cached", undefined, at(30_003));
    assert.equal(lookups(), 3, "forgotten after the change");
  });
});

test("the fixtures' keys are what the worker holds", () => {
  assert.ok(actorKeys.verifyActor(tokenFor("acme", "mona"), Date.now()));
});
