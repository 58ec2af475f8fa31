// The last administrator stays, at the edge in real workerd against the recording origin: a change that takes
// userAdmin from its target (removing, disabling, demoting) is decided with the tenant's enabled users, read
// from origin for that change only; taking it from the last enabled user who holds it is 403 `last_admin`,
// nothing forwarded. An actor who passes the other rules holds userAdmin himself, so the rule bites for an
// actor who is not one of the tenant's enabled users: a platform operator's token (ACTOR_CHECK=token).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { sendJson } from "./client.js";
import { ENABLED, USERS, baseSpec, enabledUsers, tokenFor } from "./fixtures.js";
import { startNamedWorkers, startRecordingOrigin } from "./harness.js";

const LAST_ADMIN_A = { code: "last_admin", message: "the tenant would have no enabled user left with Users: manage, who administers users",
  feature: "users", needed: "manage" };

let origin, workers;
/** Overrides origin's answer while set (a failing read). */
let override = null;
const url = {};
before(async () => {
  origin = await startRecordingOrigin({ users: USERS, respond: (rec) => override?.(rec) });
  const specs = { token: baseSpec(origin.url, { vars: { ACTOR_CHECK: "token" } }), origin: baseSpec(origin.url) };
  workers = await startNamedWorkers(specs);
  Object.assign(url, workers.url);
});
after(async () => {
  await workers?.stop();
  await origin?.close();
});
/** Every test starts from the seeded users, each enabled (an account record the edge reads). */
beforeEach(() => {
  origin.users.clear();
  for (const [t, list] of Object.entries(enabledUsers())) origin.users.set(t, new Map(list.map((u) => [u.id, u])));
  origin.clear();
  override = null;
});

/** A platform operator's token: not a user of the tenant at origin. */
const operator = (tenant, roles) => tokenFor(tenant, "op", { roles });
const disableAtOrigin = (tenant, id) => { origin.users.get(tenant).get(id).account = { ...ENABLED, tenantEnabled: false }; };
const change = (worker, token, method, path, body) => sendJson(url[worker], method, path, token, body);
/** The reads of the tenant's users list origin answered. */
const listReads = (tenant) => origin.requests.filter((r) => r.method === "GET" && r.path === `/api/tenants/${tenant}/users`).length;

function assertLastAdmin(res, reasons) {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.json.code, "forbidden");
  assert.deepEqual(res.json.reasons, reasons);
  assert.deepEqual(origin.mutations(), [], "nothing forwarded");
}

describe("product A: Mona is the last enabled user with users: manage once Carl is disabled", () => {
  for (const [name, method, path, body] of [
    ["removing her", "DELETE", "/api/tenants/acme/users/mona"],
    ["disabling her", "POST", "/api/tenants/acme/users/mona/disable"],
    ["demoting her (UserManager dropped)", "PUT", "/api/tenants/acme/users/mona/roles", { roles: ["User"] }],
  ]) {
    test(`${name}: 403 last_admin, the users read once`, async () => {
      disableAtOrigin("acme", "carl");
      assertLastAdmin(await change("token", operator("acme", ["CustomerAdmin"]), method, path, body), [LAST_ADMIN_A]);
      assert.equal(listReads("acme"), 1);
    });
  }

  test("with Carl enabled the same removal is forwarded: another user keeps users: manage", async () => {
    const res = await change("token", operator("acme", ["CustomerAdmin"]), "DELETE", "/api/tenants/acme/users/mona");
    assert.equal(res.status, 204, res.text);
    assert.equal(listReads("acme"), 1);
    assert.deepEqual(origin.mutations().map((r) => `${r.method} ${r.path}`), ["DELETE /api/tenants/acme/users/mona"]);
  });

  test("the users are read only for a change that takes userAdmin away", async () => {
    disableAtOrigin("acme", "carl");
    const op = operator("acme", ["CustomerAdmin"]);
    for (const [method, path, body, status] of [
      ["PUT", "/api/tenants/acme/users/mona/roles", { roles: ["UserManager", "User", "ReportViewer"] }, 200], // keeps it
      ["POST", "/api/tenants/acme/users/carl/enable", undefined, 200], // enabling takes nothing away
      ["POST", "/api/tenants/acme/users/mona/invitation", undefined, 200],
      ["POST", "/api/tenants/acme/users", { email: "new@acme.test", roles: ["UserManager"] }, 201],
      ["DELETE", "/api/tenants/acme/users/alice", undefined, 204], // never held it
    ]) {
      const res = await change("token", op, method, path, body);
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    }
    assert.equal(listReads("acme"), 0);
    assert.equal(origin.mutations().length, 5);
  });

  test("a change refused by the other rules is answered without reading the users", async () => {
    disableAtOrigin("acme", "carl");
    const res = await change("token", tokenFor("acme", "mona"), "DELETE", "/api/tenants/acme/users/carl");
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["target_outranks_actor"]);
    assert.equal(listReads("acme"), 0);
  });

  test("an actor who is an enabled user holding userAdmin counts himself: Carl may remove Mona (ACTOR_CHECK=origin)", async () => {
    const res = await change("origin", tokenFor("acme", "carl"), "POST", "/api/tenants/acme/users/mona/disable");
    assert.equal(res.status, 200, res.text);
    assert.equal(listReads("acme"), 1);
  });

  test("origin failing the users read: 502 origin_error, nothing forwarded", async () => {
    override = (rec) => (rec.method === "GET" && rec.path === "/api/tenants/acme/users" ? { status: 500 } : undefined);
    const res = await change("token", operator("acme", ["CustomerAdmin"]), "DELETE", "/api/tenants/acme/users/mona");
    assert.equal(res.status, 502, res.text);
    assert.equal(res.json.code, "origin_error");
    assert.deepEqual(origin.mutations(), []);
  });
});

describe("product B (rank): Ada is the only Administrator; Sam, a Supervisor, manages users too", () => {
  test("with Sam disabled, demoting Ada to Agent is last_admin; to Supervisor keeps users: manage", async () => {
    disableAtOrigin("globex", "sam");
    const op = operator("globex", ["Administrator"]);
    const demote = (roles) => change("token", op, "PUT", "/api/tenants/globex/users/ada/roles", { roles });
    assertLastAdmin(await demote(["Agent"]), [LAST_ADMIN_A]);
    assert.equal((await demote(["Supervisor"])).status, 200);
    assert.equal(listReads("globex"), 1, "only the change that took it away read the users");
  });

  test("with Sam enabled, removing Ada is forwarded", async () => {
    const res = await change("token", operator("globex", ["Administrator"]), "DELETE", "/api/tenants/globex/users/ada");
    assert.equal(res.status, 204, res.text);
  });
});
