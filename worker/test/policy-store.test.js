// Policies saved at origin and enforced by the edge without a redeploy (POLICY_SOURCE=origin), in real workerd
// against the recording origin: a save through the edge decides the next request; a save elsewhere within
// POLICY_REVALIDATE_SECONDS on the injected clock (exactly); one revalidation for concurrent requests; the
// save's own refusals (428, 415, 413, 422 with located errors, 412, 403 for the editing rules), each with
// nothing forwarded; concurrent saves; a revert; the decision log's policy hash; failing closed.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { Policy } from "rolegate";
import de from "rolegate/messages/de.js";
import { editorGains, policyEditRefusals } from "../src/policy-edit.js";
import { send } from "./client.js";
import { ENABLED, PRODUCT_A, PRODUCT_B, baseSpec, enabledUsers, inviteKeys, tokenFor } from "./fixtures.js";
import { decisionLines, startNamedWorkers, startRecordingOrigin } from "./harness.js";

/** Product A where user managers may edit the policy (to show what an editor who is not a full administrator may not do). */
const DELEGATED = { ...PRODUCT_A, policyAdmin: { feature: "users", level: "manage" } };
/** Product A where a user manager carries ReportViewer, so may grant it under "held". */
const WIDER = { ...PRODUCT_A, roles: { ...PRODUCT_A.roles, UserManager: { ...PRODUCT_A.roles.UserManager, includes: ["ReportViewer"] } } };
const T0 = Date.UTC(2030, 0, 1);
const hash = (doc) => `sha256:${createHash("sha256").update(JSON.stringify(doc)).digest("hex")}`;

let origin, workers;
/** Overrides origin's answer while set (a failing policy read). */
let override = null;
const url = {};
before(async () => {
  origin = await startRecordingOrigin({ users: enabledUsers(), respond: (rec) => override?.(rec) });
  const fromOrigin = (extra) => baseSpec(origin.url, { policy: undefined, tenantPolicies: undefined, testClock: true,
    ...extra, vars: { POLICY_SOURCE: "origin", ...extra?.vars } });
  const specs = {
    edge: fromOrigin(),
    other: fromOrigin(),
    cold: fromOrigin(),
    tokenOnly: fromOrigin({ vars: { ACTOR_CHECK: "token" } }),
    everyRequest: fromOrigin({ vars: { POLICY_REVALIDATE_SECONDS: "0" } }),
    bindings: baseSpec(origin.url, { testClock: true }),
    ownHeader: fromOrigin({ vars: { AUTH_HEADER: "X-Actor-Token" } }),
    badSource: fromOrigin({ vars: { POLICY_SOURCE: "kv" } }),
    badInterval: fromOrigin({ vars: { POLICY_REVALIDATE_SECONDS: "5" } }),
  };
  workers = await startNamedWorkers(specs);
  Object.assign(url, workers.url);
});
after(async () => {
  await workers?.stop();
  await origin?.close();
});
/** Every test starts from the seeded users and one version per tenant (acme: product A, globex: product B). */
let clock = T0;
beforeEach(() => {
  origin.users.clear();
  for (const [t, list] of Object.entries(enabledUsers())) origin.users.set(t, new Map(list.map((u) => [u.id, u])));
  origin.policies.clear();
  origin.savePolicy("acme", PRODUCT_A);
  origin.savePolicy("globex", PRODUCT_B);
  origin.clear();
  override = null;
  // Far from the last test's clock: no isolate's copy is young enough to be reused.
  clock += 3_600_000;
});

/** A request at `at` on the injected clock, with a token of `actor` ("tenant/id") valid then. */
const call = (worker, method, path, actor, { body, headers = {}, at = clock } = {}) => send(url[worker], {
  method, path, body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
  headers: { ...(actor && { authorization: `Bearer ${tokenFor(...actor.split("/"), { exp: Math.floor(at / 1000) + 600 })}` }), "x-test-now": String(at),
    ...(body !== undefined && { "content-type": "application/json" }), ...headers },
});
/** Mona (UserManager + User at acme) adds a ReportViewer: refused under product A (grant only held roles). */
const addViewer = (worker = "edge", at = clock) => call(worker, "POST", "/api/tenants/acme/users", "acme/mona",
  { body: { email: `v${Math.random()}@acme.test`, roles: ["ReportViewer"] }, at });
const save = (worker, actor, doc, etag, extra = {}) => call(worker, "PUT", "/api/tenants/acme/policy", actor,
  { body: doc, headers: { ...(etag && { "if-match": etag }), ...extra.headers }, at: extra.at });
const etagOf = (tenant) => origin.policies.get(tenant).at(-1).etag;
const policyReads = () => origin.requests.filter((r) => r.method === "GET" && r.path === "/api/tenants/acme/policy");
const puts = () => origin.requests.filter((r) => r.method === "PUT");
function assertProblem(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers["content-type"], "application/problem+json");
  assert.equal(res.json.code, code, res.text);
}

describe("a saved policy is enforced without a redeploy", () => {
  test("saved through the edge: the next request is decided by it, and the decision log's hash changes to it", async () => {
    assertProblem(await addViewer(), 403, "forbidden");
    const res = await save("edge", "acme/carl", WIDER, etagOf("acme"));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.etag, etagOf("acme"));
    assert.equal(origin.policies.get("acme").at(-1).text, JSON.stringify(WIDER), "origin stored the body byte for byte");
    assert.equal((await addViewer()).status, 201, "the same isolate forgot its copy: no wait");
    await workers.until((out) => decisionLines(out).filter((d) => d.tenant === "acme" && d.time === new Date(clock).toISOString()).length >= 3);
    const lines = decisionLines(workers.logs.join("")).filter((d) => d.time === new Date(clock).toISOString());
    assert.deepEqual(lines.map((d) => [d.action, d.decision, d.policy]), [
      ["add", "refuse", hash(PRODUCT_A)],
      ["policy", "allow", hash(PRODUCT_A)],
      ["add", "allow", hash(WIDER)],
    ]);
  });

  test("saved elsewhere (at origin, another isolate): enforced once the copy is POLICY_REVALIDATE_SECONDS old, not a millisecond later", async () => {
    assertProblem(await addViewer("edge", clock), 403, "forbidden");
    origin.savePolicy("acme", WIDER);
    assertProblem(await addViewer("edge", clock + 1999), 403, "forbidden");
    assert.equal((await addViewer("edge", clock + 2000)).status, 201);
    const reads = policyReads();
    assert.equal(reads.length, 2, "one read, one revalidation");
    assert.equal(reads[1].headers["if-none-match"], origin.policies.get("acme")[0].etag, "revalidated by ETag");
  });

  test("an unchanged policy is revalidated with a 304, and concurrent requests share one revalidation", async () => {
    assert.equal((await call("edge", "POST", "/api/tenants/acme/users/alice/disable", "acme/mona")).status, 200);
    origin.clear();
    const later = clock + 2500;
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      call("edge", "POST", "/api/tenants/acme/users/alice/enable", "acme/mona", { at: later })));
    assert.deepEqual(answers.map((r) => r.status), Array(8).fill(200));
    assert.equal(policyReads().length, 1, "one conditional GET for eight requests");
    assert.equal(policyReads()[0].headers["if-none-match"], etagOf("acme"));
  });

  test("POLICY_REVALIDATE_SECONDS=0: every request revalidates", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call("everyRequest", "POST", "/api/tenants/acme/users/alice/disable", "acme/mona")).status, 200);
    assert.equal(policyReads().length, 3);
  });

  test("revert: saving an earlier version's document again brings its rules and its hash back", async () => {
    assert.equal((await save("edge", "acme/carl", WIDER, etagOf("acme"))).status, 200);
    assert.equal((await addViewer()).status, 201);
    const first = origin.policies.get("acme")[0].text;
    assert.equal((await save("edge", "acme/carl", first, etagOf("acme"))).status, 200);
    assertProblem(await addViewer(), 403, "forbidden");
    assert.deepEqual(origin.policies.get("acme").map((v) => v.version), [1, 2, 3]);
    await workers.until((out) => decisionLines(out).filter((d) => d.time === new Date(clock).toISOString()).length >= 4);
    const last = decisionLines(workers.logs.join("")).filter((d) => d.time === new Date(clock).toISOString()).at(-1);
    assert.equal(last.policy, hash(PRODUCT_A));
  });
});

test("invitation links: a genuine one is checked against its tenant's policy from origin; a forged one makes the edge read nothing", async () => {
  const claims = { sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "store-1" };
  const link = (token) => call("edge", "GET", `/invitations/accept?token=${token}`, null);
  assert.equal((await link(inviteKeys.signInvitation(claims, clock))).status, 200);
  assert.deepEqual(origin.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/tenants/acme/policy", "GET /invitations/accept"]);
  origin.clear();
  const [head, body, sig] = inviteKeys.signInvitation({ ...claims, tenant: "made-up" }, clock).split(".");
  const forged = [head, body, (sig[0] === "A" ? "B" : "A") + sig.slice(1)].join(".");
  assertProblem(await link(forged), 400, "invalid_invitation");
  assert.deepEqual(origin.requests, []);
});

test("POLICY_SOURCE=bindings: a save is still judged against origin's current version, and the edge keeps enforcing its bindings", async () => {
  assertProblem(await save("bindings", "acme/carl", WIDER, '"stale"'), 412, "precondition_failed");
  assert.equal((await save("bindings", "acme/carl", WIDER, etagOf("acme"))).status, 200);
  assertProblem(await addViewer("bindings"), 403, "forbidden");
});

test("a save reads the tenant's users with the actor's credential, in the header it came in (AUTH_HEADER)", async () => {
  const token = tokenFor("acme", "carl", { exp: Math.floor(clock / 1000) + 600 });
  const res = await send(url.ownHeader, { method: "PUT", path: "/api/tenants/acme/policy", body: JSON.stringify(WIDER),
    headers: { "x-actor-token": token, "content-type": "application/json", "if-match": etagOf("acme"), "x-test-now": String(clock) } });
  assert.equal(res.status, 200, res.text);
  const read = origin.requests.find((r) => r.method === "GET" && r.path === "/api/tenants/acme/users");
  assert.equal(read.headers["x-actor-token"], token);
});

describe("a save is judged at the edge; a refused one reaches origin not at all", () => {
  let v1;
  beforeEach(() => { v1 = etagOf("acme"); });

  test("without If-Match: 428 precondition_required (and If-Match: * says nothing of the version edited)", async () => {
    assertProblem(await save("edge", "acme/carl", WIDER, null), 428, "precondition_required");
    assertProblem(await save("edge", "acme/carl", WIDER, "*"), 428, "precondition_required");
    assert.deepEqual(origin.requests, []);
  });

  test("a wrong content type: 415; over 256 KiB: 413; bytes that are not UTF-8: 400", async () => {
    assertProblem(await save("edge", "acme/carl", JSON.stringify(WIDER), v1, { headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
    const big = JSON.stringify({ ...WIDER, pad: "x".repeat(256 * 1024) });
    assertProblem(await save("edge", "acme/carl", big, v1), 413, "body_too_large");
    const res = await send(url.edge, { method: "PUT", path: "/api/tenants/acme/policy", body: Buffer.from([0x7b, 0xff, 0x7d]),
      headers: { authorization: `Bearer ${tokenFor("acme", "carl")}`, "content-type": "application/json", "if-match": v1 } });
    assertProblem(res, 400, "invalid_request");
    assert.deepEqual(origin.requests, []);
  });

  test("a document that does not compile: 422 with every error's code, path, line and column", async () => {
    const text = JSON.stringify({ ...PRODUCT_A, roles: { ...PRODUCT_A.roles, User: { grants: { reprots: "own" } } }, invitationTtl: "1 day" }, null, 2);
    const res = await save("edge", "acme/carl", text, v1);
    assertProblem(res, 422, "invalid_policy");
    const line = (needle) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    assert.deepEqual(res.json.errors.map((e) => [e.path, e.code, e.line]), [
      ["roles.User.grants.reprots", "unknown_feature", line('"reprots"')],
      ["invitationTtl", "invalid_duration", line('"invitationTtl"')],
    ]);
    assert.ok(res.json.errors.every((e) => Number.isInteger(e.column) && e.message), res.text);
    assertProblem(await save("edge", "acme/carl", "{ nope", v1), 422, "invalid_policy");
    assert.deepEqual(origin.requests, [], "not even a read: a document that does not compile needs none");
  });

  test("a save over another version than the current: 412 with the current ETag; concurrent saves: one is stored", async () => {
    const v2 = origin.savePolicy("acme", DELEGATED);
    const stale = await save("edge", "acme/carl", WIDER, v1);
    assertProblem(stale, 412, "precondition_failed");
    assert.equal(stale.headers.etag, v2);
    assert.deepEqual(puts(), []);
    const both = await Promise.all([save("edge", "acme/carl", WIDER, v2), save("other", "acme/carl", PRODUCT_A, v2)]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 412], both.map((r) => r.text).join("\n"));
    assert.equal(origin.policies.get("acme").length, 3, "exactly one of them was stored");
  });

  test("not the policy's policyAdmin: 403 not_policy_admin", async () => {
    const res = await save("edge", "acme/mona", WIDER, v1);
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["not_policy_admin", "editor_gains"]);
    assert.deepEqual(puts(), []);
  });

  test("a self-escalating save, sent straight to the edge: 403 editor_gains naming each feature; origin unchanged", async () => {
    const v2 = origin.savePolicy("acme", DELEGATED);
    const escalating = { ...DELEGATED, roles: { ...DELEGATED.roles, UserManager: { grants: { users: "manage", channels: "manage", reports: "all", orgSettings: "manage" } } } };
    const res = await save("edge", "acme/mona", escalating, v2);
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => [r.code, r.feature, r.from, r.to]), [
      ["editor_gains", "reports", "own", "all"],
      ["editor_gains", "orgSettings", "none", "manage"],
    ]);
    assert.deepEqual(puts(), []);
    assert.equal(origin.policies.get("acme").length, 2);
    // Giving someone else more is not refused here (the console asks to confirm it).
    const others = { ...DELEGATED, roles: { ...DELEGATED.roles, ReportViewer: { grants: { reports: "all", channels: "manage" } } } };
    assert.equal((await save("edge", "acme/mona", others, v2)).status, 200);
  });

  test("a save leaving no enabled user with userAdmin: 403 no_user_admin (a disabled holder does not count)", async () => {
    const lockout = { ...PRODUCT_A, roles: { ...PRODUCT_A.roles, CustomerAdmin: { grants: { orgSettings: "manage" } },
      UserManager: { grants: { channels: "manage" } } } };
    const res = await save("edge", "acme/carl", lockout, v1);
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["no_user_admin"]);
    assert.deepEqual(res.json.reasons, [{ code: "no_user_admin", feature: "users", needed: "manage",
      message: "no enabled user would hold userAdmin (users: manage) under the new policy" }], "worded from the catalog, with its parameters");
    // Only Mona keeps users:manage: allowed while she is enabled, refused once she is disabled.
    const monaOnly = { ...PRODUCT_A, roles: { ...PRODUCT_A.roles, CustomerAdmin: { grants: { orgSettings: "manage", reports: "all" }, includes: [] } } };
    origin.users.get("acme").get("mona").account = { ...ENABLED, tenantEnabled: false };
    assert.deepEqual((await save("edge", "acme/carl", monaOnly, v1)).json.reasons.map((r) => r.code), ["no_user_admin"]);
    origin.users.get("acme").get("mona").account = ENABLED;
    assert.equal((await save("edge", "acme/carl", monaOnly, v1)).status, 200);
    assert.equal(puts().length, 1);
  });

  test("with the actor's current roles at origin (a demoted editor's old token), and with the token's alone", async () => {
    origin.users.get("acme").get("carl").roles = ["User"];
    const res = await save("edge", "acme/carl", WIDER, v1);
    assertProblem(res, 403, "forbidden");
    assert.match(res.json.detail, /^with the actor's current roles at origin: /);
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["not_policy_admin"]);
    assert.equal((await save("tokenOnly", "acme/carl", WIDER, v1)).status, 200, "ACTOR_CHECK=token: the token's roles decide");
  });

  test("the editing rules agree with Policy.diff: the editor's gains are its user_gains", () => {
    const renamed = { ...PRODUCT_B, features: { ...PRODUCT_B.features, reports: { levels: ["none", "mine", "team", "everything"] } },
      roles: { ...PRODUCT_B.roles, Agent: { rank: 1, grants: { interactions: "handle", reports: "mine", settings: "view" } },
        Supervisor: { ...PRODUCT_B.roles.Supervisor, grants: { ...PRODUCT_B.roles.Supervisor.grants, reports: "everything" } } } };
    const pairs = [[PRODUCT_A, WIDER], [PRODUCT_A, DELEGATED], [PRODUCT_B, renamed], [renamed, PRODUCT_B]];
    const editors = [["Agent"], ["Supervisor"], ["UserManager", "User"], ["ReportViewer", "Ghost"], ["Administrator"], ["CustomerAdmin"]];
    for (const [a, b] of pairs) {
      const [before, after] = [Policy.fromJson(a), Policy.fromJson(b)];
      for (const roles of editors) {
        // Policy.diff refuses a name neither policy knows (unknown_role); editorGains lets it grant nothing.
        const named = roles.filter((r) => [before, after].some((p) => p.roles().some((known) => known.name === r)));
        const diff = Policy.diff(before, after, [{ id: "e", roles: named }]).users.filter((u) => u.code === "user_gains");
        assert.deepEqual(editorGains(before, after, roles), diff.map(({ feature, from, to }) => ({ feature, from, to })), roles.join());
      }
    }
  });
});

test("the editing rules' refusals are worded by each policy's catalog, codes and parameters alike in every language", () => {
  const escalating = { ...DELEGATED, roles: { ...DELEGATED.roles, UserManager: { grants: { reports: "all" } } } };
  const save = (messages) => policyEditRefusals({ before: Policy.fromJson(PRODUCT_A, { messages }), after: Policy.fromJson(escalating, { messages }),
    afterDoc: escalating, editor: { id: "mona", roles: ["UserManager", "User"] }, users: [], now: T0 });
  const [en, german] = [save(undefined), save(de)];
  assert.deepEqual(en.map((r) => r.message), [
    "editing this policy needs its policyAdmin permission (a full administrator when it names none)",
    "the editor would gain reports: own → all",
    "no enabled user would hold userAdmin (users: manage) under the new policy"]);
  assert.deepEqual(german.map((r) => r.message), [
    "diese Richtlinie zu bearbeiten erfordert ihre policyAdmin-Berechtigung (einen vollständigen Administrator, wenn sie keine nennt)",
    "der Bearbeiter erhielte reports: own → all",
    "unter der neuen Richtlinie hätte kein aktiver Benutzer userAdmin (users: manage)"]);
  assert.deepEqual(german.map(({ message, ...rest }) => rest), en.map(({ message, ...rest }) => rest));
});

describe("fail closed", () => {
  test("a tenant origin has no policy for: 503 policy_unavailable, nothing forwarded", async () => {
    origin.policies.delete("acme");
    assertProblem(await addViewer(), 503, "policy_unavailable");
    assert.deepEqual(origin.mutations(), []);
  });

  test("origin failing to answer the read: a version read before keeps deciding; a save needs the current one (503)", async () => {
    assert.equal((await call("edge", "POST", "/api/tenants/acme/users/alice/disable", "acme/mona")).status, 200);
    override = (rec) => (rec.method === "GET" && rec.path === "/api/tenants/acme/policy" ? { status: 500 } : undefined);
    const later = clock + 10_000;
    assert.equal((await call("edge", "POST", "/api/tenants/acme/users/alice/enable", "acme/mona", { at: later })).status, 200);
    assertProblem(await save("edge", "acme/carl", WIDER, etagOf("acme"), { at: later }), 503, "policy_unavailable");
    assertProblem(await addViewer("cold", later), 503, "policy_unavailable");
    assert.deepEqual(puts(), []);
    assert.match(workers.logs.join(""), /POLICY_SOURCE: tenant 'acme': origin answered 500; the last version read keeps deciding/);
  });

  test("POLICY_SOURCE or POLICY_REVALIDATE_SECONDS invalid: every protected request is 503 policy_unavailable", async () => {
    for (const worker of ["badSource", "badInterval"]) {
      assertProblem(await addViewer(worker), 503, "policy_unavailable");
    }
    assert.deepEqual(origin.requests.filter((r) => r.method !== "GET"), []);
    assert.match(workers.logs.join(""), /POLICY_SOURCE: must be bindings or origin/);
    assert.match(workers.logs.join(""), /POLICY_REVALIDATE_SECONDS: must be a number of seconds from 0 to 4/);
  });
});
