// Every seed rule of the core issue, end to end through the worker in workerd: product A (held
// grants) at tenant acme, product B (rank grants) at tenant globex. A refusal must leave origin
// without the change; an allowed request must reach it.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { sendJson } from "./client.js";
import { USERS, baseSpec, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorker } from "./harness.js";

let origin, worker;
before(async () => {
  origin = await startRecordingOrigin({ users: USERS });
  worker = await startWorker(baseSpec(origin.url));
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});
beforeEach(() => origin.clear());

const add = (tenant, actor, roles) =>
  sendJson(worker.url, "POST", `/api/tenants/${tenant}/users`, tokenFor(tenant, actor), { email: "new@x.test", roles });
const setRoles = (tenant, actor, target, roles) =>
  sendJson(worker.url, "PUT", `/api/tenants/${tenant}/users/${target}/roles`, tokenFor(tenant, actor), { roles });

function assertAllowed(res, status) {
  assert.equal(res.status, status, res.text);
  assert.equal(origin.mutations().length, 1, "the request reached origin");
}
function assertRefused(res, reasonCode) {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.headers["content-type"], "application/problem+json");
  assert.equal(res.json.code, "forbidden");
  assert.ok(res.json.reasons.some((r) => r.code === reasonCode), `reason ${reasonCode} in ${res.text}`);
  const beyond = origin.beyondLookup(res.sent.path).map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(beyond, [], "origin received nothing but the lookup of the target's roles (an add: nothing)");
}

describe("product A: a UserManager may only grant roles he holds", () => {
  test("adding a user with a held role is forwarded", async () => assertAllowed(await add("acme", "mona", ["User"]), 201));
  test("adding a user with a role not held is refused", async () => {
    assertRefused(await add("acme", "mona", ["ReportViewer"]), "role_not_held");
  });
  test("granting a held role to an existing user is forwarded", async () => {
    assertAllowed(await setRoles("acme", "mona", "alice", ["User", "UserManager"]), 200);
    await setRoles("acme", "carl", "alice", ["User"]); // restore
  });
  test("granting a role not held to an existing user is refused", async () => {
    assertRefused(await setRoles("acme", "mona", "alice", ["User", "CustomerAdmin"]), "role_not_held");
  });
  test("CustomerAdmin carries every role through includes and may grant them all", async () => {
    assertAllowed(await add("acme", "carl", ["User", "ReportViewer", "UserManager", "CustomerAdmin"]), 201);
  });
});

describe("product A: permissions are the union of the held roles", () => {
  test("roles without the users feature do not administer users", async () => {
    const token = tokenFor("acme", "vera", { roles: ["User", "ReportViewer"] });
    const res = await sendJson(worker.url, "POST", "/api/tenants/acme/users", token, { email: "x@x.test", roles: ["User"] });
    assertRefused(res, "not_user_admin");
  });
  test("a UserManager without reports 'all' may not remove a ReportViewer", async () => {
    const res = await sendJson(worker.url, "DELETE", "/api/tenants/acme/users/vera", tokenFor("acme", "mona"));
    assertRefused(res, "target_outranks_actor");
  });
  test("adding ReportViewer to his roles gives the union: now he covers the ReportViewer", async () => {
    const roles = ["UserManager", "ReportViewer"];
    // He holds them at origin too: the edge checks the actor's current roles there as well as the token's.
    const mona = origin.users.get("acme").get("mona");
    const before = mona.roles;
    mona.roles = roles;
    try {
      const res = await sendJson(worker.url, "POST", "/api/tenants/acme/users/vera/invitation", tokenFor("acme", "mona", { roles }));
      assertAllowed(res, 200);
    } finally {
      mona.roles = before;
    }
  });
});

describe("product B: ranks Administrator > Supervisor > Agent, same or lower", () => {
  test("a Supervisor cannot add an Administrator", async () => {
    assertRefused(await add("globex", "sam", ["Administrator"]), "rank_too_high");
  });
  for (const role of ["Supervisor", "Agent"]) {
    test(`a Supervisor can add a ${role}`, async () => assertAllowed(await add("globex", "sam", [role]), 201));
  }
  for (const role of ["Administrator", "Supervisor", "Agent"]) {
    test(`an Administrator can add a ${role}`, async () => assertAllowed(await add("globex", "ada", [role]), 201));
  }
  test("a role update granting more access cannot exceed the updater's role", async () => {
    assertRefused(await setRoles("globex", "sam", "ann", ["Administrator"]), "rank_too_high");
  });
  test("a role update up to the updater's own rank is forwarded", async () => {
    assertAllowed(await setRoles("globex", "sam", "ann", ["Supervisor"]), 200);
    await setRoles("globex", "ada", "ann", ["Agent"]); // restore
  });
  test("a Supervisor cannot remove an Administrator", async () => {
    const res = await sendJson(worker.url, "DELETE", "/api/tenants/globex/users/ada", tokenFor("globex", "sam"));
    assertRefused(res, "target_outranks_actor");
  });
});

describe("nobody changes their own role (refused without asking origin anything)", () => {
  for (const [tenant, actor, roles] of [["acme", "carl", ["User"]], ["globex", "ada", ["Agent"]], ["globex", "sam", ["Supervisor"]]]) {
    test(`${actor} at ${tenant}`, async () => {
      const res = await setRoles(tenant, actor, actor, roles);
      assertRefused(res, "self_role_change");
      assert.deepEqual(origin.requests, [], "not even a lookup");
    });
  }
  for (const action of ["DELETE /", "POST /disable", "POST /enable"]) {
    const [method, suffix] = action.split(" ");
    test(`nor ${method} ${suffix} themselves`, async () => {
      const path = `/api/tenants/globex/users/ada${suffix === "/" ? "" : suffix}`;
      const res = await sendJson(worker.url, method, path, tokenFor("globex", "ada"));
      assertRefused(res, "self_remove");
      assert.deepEqual(origin.requests, [], "not even a lookup");
    });
  }
});
