// The decision log against real workerd: every protected request prints exactly one JSON line with
// the documented fields (time from the injected clock, the policy's content hash, reason codes) and
// nothing secret; pass-through requests print none; DECISION_LOG=off prints none and decides alike.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { send, sendJson } from "./client.js";
import { AUTH_KEYS, INVITE_KEY, PRODUCT_A, PRODUCT_B, SECRET_MARKER, USERS, baseSpec, inviteKeys, tokenFor } from "./fixtures.js";
import { decisionLines, startRecordingOrigin, startWorkers } from "./harness.js";

const FIELDS = ["event", "time", "tenant", "actor", "action", "target", "decision", "status", "reasons", "policy", "latencyMs"];
const NOW = Math.floor(Date.now() / 1000) * 1000 + 123;
const hash = (doc) => `sha256:${createHash("sha256").update(JSON.stringify(doc)).digest("hex")}`;
const ACME = hash(PRODUCT_A);
const GLOBEX = hash(PRODUCT_B);

let origin, workers, on, off, unclear;
before(async () => {
  origin = await startRecordingOrigin({ users: USERS });
  workers = await startWorkers([
    baseSpec(origin.url, { testClock: true, ledger: true }),
    baseSpec(origin.url, { testClock: true, ledger: true, decisionLog: "off" }),
    baseSpec(origin.url, { testClock: true, decisionLog: "sometimes" }),
  ]);
  [on, off, unclear] = workers.urls;
});
after(async () => {
  await workers?.stop();
  await origin?.close();
});

const output = () => workers.logs.join("");
const lines = () => decisionLines(output());
const mona = tokenFor("acme", "mona");
const sam = tokenFor("globex", "sam");
const link = inviteKeys.signInvitation({ sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "log-1" }, NOW);
const clock = { "x-test-now": String(NOW) };
const json = (method, path, token, body) => (base) => sendJson(base, method, path, token, body, clock);
const get = (path, headers = {}) => (base) => send(base, { path, headers: { ...clock, ...headers } });

/** Every protected route (allowed and refused), with the line expected beyond status and reasons. */
const CASES = [
  ["add (allowed)", json("POST", "/api/tenants/acme/users", mona, { email: "log@acme.test", roles: ["User"] }),
    { tenant: "acme", actor: "mona", action: "add", target: null, policy: ACME, decision: "allow", reasons: [] }],
  ["role change (refused by the rules)", json("PUT", "/api/tenants/acme/users/alice/roles", mona, { roles: ["User", "CustomerAdmin"] }),
    { tenant: "acme", actor: "mona", action: "roles", target: "alice", policy: ACME, decision: "refuse", reasons: ["role_not_held"] }],
  ["role change (allowed)", json("PUT", "/api/tenants/acme/users/alice/roles", mona, { roles: ["User"] }),
    { tenant: "acme", actor: "mona", action: "roles", target: "alice", policy: ACME, decision: "allow", reasons: [] }],
  ["invitation", json("POST", "/api/tenants/acme/users/alice/invitation", mona),
    { tenant: "acme", actor: "mona", action: "invite", target: "alice", policy: ACME, decision: "allow", reasons: [] }],
  ["disable", json("POST", "/api/tenants/acme/users/alice/disable", mona),
    { tenant: "acme", actor: "mona", action: "disable", target: "alice", policy: ACME, decision: "allow", reasons: [] }],
  ["enable", json("POST", "/api/tenants/acme/users/alice/enable", mona),
    { tenant: "acme", actor: "mona", action: "enable", target: "alice", policy: ACME, decision: "allow", reasons: [] }],
  ["delete above one's rank (globex)", json("DELETE", "/api/tenants/globex/users/ada", sam),
    { tenant: "globex", actor: "sam", action: "remove", target: "ada", policy: GLOBEX, decision: "refuse", reasons: ["target_outranks_actor"] }],
  ["delete a user holding a role one lacks", json("DELETE", "/api/tenants/acme/users/vera", mona),
    { tenant: "acme", actor: "mona", action: "remove", target: "vera", policy: ACME, decision: "refuse", reasons: ["target_outranks_actor"] }],
  ["delete (allowed)", json("DELETE", "/api/tenants/globex/users/ann", tokenFor("globex", "ada")),
    { tenant: "globex", actor: "ada", action: "remove", target: "ann", policy: GLOBEX, decision: "allow", reasons: [] }],
  ["unknown target", json("DELETE", "/api/tenants/acme/users/nobody", mona),
    { tenant: "acme", actor: "mona", action: "remove", target: "nobody", policy: ACME, decision: "refuse", reasons: ["user_not_found"] }],
  ["no token", json("POST", "/api/tenants/acme/users", undefined, { email: "x@acme.test", roles: ["User"] }),
    { tenant: "acme", actor: null, action: "add", target: null, policy: null, decision: "refuse", reasons: ["invalid_token"] }],
  ["another tenant's token", json("DELETE", "/api/tenants/globex/users/ann", mona),
    { tenant: "globex", actor: "mona", action: "remove", target: "ann", policy: null, decision: "refuse", reasons: ["tenant_mismatch"] }],
  ["non-canonical path", get("/api/tenants/acme/users/alice%2Froles"),
    { tenant: null, actor: null, action: null, target: null, policy: null, decision: "refuse", reasons: ["invalid_path"] }],
  ["invitation link (accepted)", get(`/invitations/accept?token=${link}`),
    { tenant: "acme", actor: null, action: "accept", target: "alice", policy: ACME, decision: "allow", reasons: [] }],
  ["invitation link replayed", get(`/invitations/accept?token=${link}`, { accept: "text/html" }),
    { tenant: "acme", actor: null, action: "accept", target: "alice", policy: ACME, decision: "refuse", reasons: ["invitation_used"] }],
];

describe("one line per protected request", () => {
  for (const [name, request, expected] of CASES) {
    test(name, async () => {
      const before = lines().length;
      const res = await request(on);
      await workers.until(() => lines().length > before);
      const line = lines().at(-1);
      assert.deepEqual(Object.keys(line), FIELDS);
      assert.deepEqual(line, {
        event: "rolegate.decision", time: new Date(NOW).toISOString(), status: res.status, latencyMs: line.latencyMs, ...expected,
      });
      assert.ok(Number.isInteger(line.latencyMs) && line.latencyMs >= 0);
    });
  }

  test("pass-through requests print no line, and each protected request exactly one", async () => {
    const before = lines().length;
    for (const path of ["/api/tenants/acme/users", "/api/tenants/acme/users/alice", "/health"]) {
      assert.equal((await get(path)(on)).status, 200);
    }
    await json("POST", "/api/tenants/acme/users", mona, { email: "after@acme.test", roles: ["User"] })(on);
    await workers.until(() => lines().length > before);
    assert.equal(lines().length, before + 1);
    assert.equal(lines().at(-1).action, "add");
    assert.equal(lines().length, CASES.length + 1);
  });

  test("DECISION_LOG=off: no line, and the same decisions", async () => {
    const before = lines().length;
    const statuses = [];
    for (const [, request] of CASES.filter(([name]) => !/invitation link|allowed\)$|^delete \(|^disable|^enable/.test(name))) {
      statuses.push((await request(off)).status);
    }
    assert.deepEqual(statuses, [403, 200, 403, 403, 404, 401, 403, 400]);
    await json("POST", "/api/tenants/acme/users", mona, { email: "marker@acme.test", roles: ["User"] })(on);
    await workers.until(() => lines().length > before);
    assert.equal(lines().length, before + 1, "only the enabled worker's line");
  });

  test("an unclear DECISION_LOG logs every decision and says so once", async () => {
    const before = lines().length;
    for (let i = 0; i < 2; i++) await json("POST", "/api/tenants/acme/users", undefined, {})(unclear);
    await workers.until(() => lines().length >= before + 2);
    assert.deepEqual(lines().slice(before).map((l) => l.reasons), [["invalid_token"], ["invalid_token"]]);
    assert.equal(output().split("DECISION_LOG: must be on, off or a fraction").length - 1, 1);
  });

  test("no secret, token, e-mail address or body in anything workerd printed", () => {
    const printed = output();
    const secrets = [...Object.values(AUTH_KEYS), INVITE_KEY, SECRET_MARKER, mona, sam, link, link.split(".")[2],
      "log@acme.test", "alice@acme.test", "x@acme.test", '"roles":[', "CustomerAdmin"];
    for (const secret of secrets) assert.ok(!printed.includes(secret), `workerd printed ${secret.slice(0, 12)}… in ${printed.slice(Math.max(0, printed.indexOf(secret) - 200), printed.indexOf(secret) + 100)}`);
  });
});
