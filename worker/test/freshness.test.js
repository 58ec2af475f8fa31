// No stale access, no unknown access, end to end in real workerd: the actor's current record at
// origin is checked beside the token (ACTOR_CHECK=origin, the default), so a demotion, removal or
// disable takes effect for the actor's old token at once, whether made through the edge or at origin;
// both records are read in one round trip; the cache's bound; the opt-out; and a target holding a
// role name the policy does not know.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { ENABLED, USERS, baseSpec, tokenFor } from "./fixtures.js";
import { startNamedWorkers, startRecordingOrigin } from "./harness.js";

const users = () => ({
  ...USERS,
  acme: [...USERS.acme.map((u) => ({ ...u, account: ENABLED })), { id: "lou", email: "lou@acme.test", roles: ["User", "LegacySuper"] }],
});

let origin, barrier, workers;
const url = {};
before(async () => {
  origin = await startRecordingOrigin({
    users: users(),
    respond: (rec) => {
      // Origin's tenant-level disable and enable, on the account record.
      const m = /^\/api\/tenants\/acme\/users\/([^/]+)\/(disable|enable)$/.exec(rec.path);
      const user = m && rec.method === "POST" && origin.users.get("acme").get(m[1]);
      if (!user) return undefined;
      user.account = { ...user.account, tenantEnabled: m[2] === "enable" };
      return { status: 200, body: user };
    },
  });
  barrier = await barrierOrigin();
  const specs = {
    fresh: baseSpec(origin.url),
    tokenOnly: baseSpec(origin.url, { vars: { ACTOR_CHECK: "token" } }),
    cached: baseSpec(origin.url, { targetCacheSeconds: 30, testClock: true }),
    barrier: baseSpec(barrier.url),
  };
  workers = await startNamedWorkers(specs);
  Object.assign(url, workers.url);
});
after(async () => {
  await workers?.stop();
  await origin?.close();
  await barrier?.close();
});
beforeEach(() => {
  // Every test starts from the seeded users.
  origin.users.set("acme", new Map(users().acme.map((u) => [u.id, structuredClone(u)])));
  origin.clear();
});

/** Mona's token, minted once per test before any change: the "old token" of the issue. */
const call = (worker, method, path, token, { body, headers = {} } = {}) => send(url[worker], {
  method, path, body,
  headers: { authorization: `Bearer ${token}`, ...(body && { "content-type": "application/json" }), ...headers },
});
const invite = (worker, token, headers) => call(worker, "POST", "/api/tenants/acme/users/alice/invitation", token, { headers });
const setRoles = (worker, actor, target, roles, headers) =>
  call(worker, "PUT", `/api/tenants/acme/users/${target}/roles`, tokenFor("acme", actor), { body: JSON.stringify({ roles }), headers });
const atOrigin = (id) => origin.users.get("acme").get(id);
function assertProblem(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers["content-type"], "application/problem+json");
  assert.equal(res.json.code, code, res.text);
}
const beyondLookups = () => origin.beyondLookup("/api/tenants/acme/users/alice").map((r) => `${r.method} ${r.path}`);

describe("a demoted, removed or disabled actor's old token is refused right after the change", () => {
  test("demoted through the edge: the next request with the old token is refused with the current roles' reasons", async () => {
    const old = tokenFor("acme", "mona");
    assert.equal((await invite("fresh", old)).status, 200);
    assert.equal((await setRoles("fresh", "carl", "mona", ["User"])).status, 200, "Carl takes UserManager from Mona");
    origin.clear();
    const res = await invite("fresh", old);
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["not_user_admin"]);
    assert.match(res.json.detail, /^with the actor's current roles at origin: /);
    assert.deepEqual(beyondLookups(), [], "origin received nothing but the lookups");
  });
  test("demoted at origin directly: the same, at once", async () => {
    const old = tokenFor("acme", "mona");
    atOrigin("mona").roles = ["User"];
    const res = await call("fresh", "DELETE", "/api/tenants/acme/users/alice", old);
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["not_user_admin"]);
    assert.deepEqual(origin.mutations(), []);
  });
  test("removed: 403 actor_not_found", async () => {
    const old = tokenFor("acme", "mona");
    assert.equal((await call("fresh", "DELETE", "/api/tenants/acme/users/mona", tokenFor("acme", "carl"))).status, 204);
    origin.clear();
    for (const res of [await invite("fresh", old), await call("fresh", "POST", "/api/tenants/acme/users", old, { body: '{"email":"n@x","roles":["User"]}' })]) {
      assertProblem(res, 403, "actor_not_found");
    }
    assert.deepEqual(origin.mutations(), []);
  });
  test("disabled in the tenant: 403 actor_inactive; enabled again: allowed again", async () => {
    const old = tokenFor("acme", "mona");
    const carl = tokenFor("acme", "carl");
    assert.equal((await call("fresh", "POST", "/api/tenants/acme/users/mona/disable", carl)).status, 200);
    const res = await invite("fresh", old);
    assertProblem(res, 403, "actor_inactive");
    assert.match(res.json.detail, /disabled/);
    assert.equal((await call("fresh", "POST", "/api/tenants/acme/users/mona/enable", carl)).status, 200);
    assert.equal((await invite("fresh", old)).status, 200);
  });
  test("the token still bounds the actor: claiming more than origin grants gains nothing", async () => {
    const res = await call("fresh", "POST", "/api/tenants/acme/users", tokenFor("acme", "mona", { roles: ["CustomerAdmin"] }),
      { body: '{"email":"n@x","roles":["CustomerAdmin"]}' });
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["role_not_held"]);
    assert.deepEqual(origin.mutations(), []);
  });
  test("what the token's own roles refuse asks origin nothing (an add)", async () => {
    const res = await call("fresh", "POST", "/api/tenants/acme/users", tokenFor("acme", "alice"), { body: '{"email":"n@x","roles":["User"]}' });
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(origin.requests, []);
  });
  test("ACTOR_CHECK=token (the opt-out) trusts the token's roles for its lifetime", async () => {
    const old = tokenFor("acme", "mona");
    atOrigin("mona").roles = ["User"];
    assert.equal((await invite("tokenOnly", old)).status, 200);
    assert.deepEqual(origin.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/tenants/acme/users/alice", "POST /api/tenants/acme/users/alice/invitation"]);
  });
});

describe("the actor's and the target's records: one round trip, and the cache's bound", () => {
  test("both lookups are in flight together", async () => {
    barrier.reset();
    assert.equal((await invite("barrier", tokenFor("acme", "mona"))).status, 200);
    assert.equal(barrier.maxInFlight(), 2, "origin held the first lookup until the second arrived");
  });
  test("TARGET_CACHE_SECONDS=30: a change at origin directly shows within 30 s, one through the edge at once", async () => {
    const t0 = Date.now();
    const at = (ms) => ({ "x-test-now": String(t0 + ms) });
    const old = tokenFor("acme", "mona");
    assert.equal((await invite("cached", old, at(0))).status, 200);
    atOrigin("mona").roles = ["User"];
    assert.equal((await invite("cached", old, at(30_000))).status, 200, "the cached record, within the bound");
    assertProblem(await invite("cached", old, at(30_001)), 403, "forbidden");
    atOrigin("mona").roles = ["UserManager", "User"];
    assert.equal((await invite("cached", old, at(60_002))).status, 200, "read again, cached again");
    assert.equal((await setRoles("cached", "carl", "mona", ["User"], at(60_003))).status, 200);
    assertProblem(await invite("cached", old, at(60_004)), 403, "forbidden");
  });
});

describe("a target holding a role name the policy does not know", () => {
  test("a user manager is refused with unknown_target_role naming it; nothing is forwarded", async () => {
    for (const [method, path] of [["DELETE", "/api/tenants/acme/users/lou"], ["POST", "/api/tenants/acme/users/lou/invitation"],
      ["POST", "/api/tenants/acme/users/lou/disable"]]) {
      const res = await call("fresh", method, path, tokenFor("acme", "mona"));
      assertProblem(res, 403, "forbidden");
      assert.deepEqual(res.json.reasons.map((r) => [r.code, r.role]), [["unknown_target_role", "LegacySuper"]], `${method} ${path}`);
    }
    assertProblem(await setRoles("fresh", "mona", "lou", ["User"]), 403, "forbidden");
    assert.deepEqual(origin.mutations(), []);
  });
  test("a full administrator may clean it up: roles changed, then removed", async () => {
    assert.equal((await setRoles("fresh", "carl", "lou", ["User"])).status, 200);
    assert.deepEqual(atOrigin("lou").roles, ["User"]);
    assert.equal((await call("fresh", "DELETE", "/api/tenants/acme/users/lou", tokenFor("acme", "carl"))).status, 204);
  });
});

/**
 * An origin that answers GETs of user records only once two are waiting (or after a safety delay), so a
 * test can see whether the edge sends them together; everything else is answered at once.
 */
async function barrierOrigin() {
  let inFlight = 0;
  let max = 0;
  let waiting = [];
  const server = createServer((req, res) => {
    req.resume();
    const id = /^\/api\/tenants\/acme\/users\/([^/]+)$/.exec(req.url)?.[1];
    const user = USERS.acme.find((u) => u.id === id);
    if (req.method !== "GET" || !user) return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
    inFlight++;
    max = Math.max(max, inFlight);
    const answer = () => {
      inFlight--;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(user));
    };
    waiting.push(answer);
    if (waiting.length >= 2) for (const release of waiting.splice(0)) release();
    else setTimeout(() => { if (waiting.includes(answer)) { waiting = waiting.filter((a) => a !== answer); answer(); } }, 3000).unref();
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    maxInFlight: () => max,
    reset: () => { max = 0; },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
