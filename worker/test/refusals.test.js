// Every refusal the edge makes, each asserting status, problem code and that origin received
// nothing; accepted requests asserting origin received them intact; hostile paths.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { send, sendJson } from "./client.js";
import { AUTH_KEYS, SECRET_MARKER, USERS, baseSpec, inviteKeys, rawJwt, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorker } from "./harness.js";

let origin, worker;
/** Every response the suite saw, checked for secrets at the end. */
const seen = [];
const nowSec = () => Math.floor(Date.now() / 1000);

before(async () => {
  origin = await startRecordingOrigin({
    users: USERS,
    respond: (req) => {
      if (req.path.endsWith("/users/broken")) return { status: 500, body: "{}" };
      // Deleting alice is answered without removing her: later tests still read her.
      if (req.method === "DELETE" && req.path === "/api/tenants/acme/users/alice") return { status: 204 };
      // An origin alias for the caller: its record carries the real id.
      if (req.method === "GET" && req.path === "/api/tenants/acme/users/me") return { status: 200, body: USERS.acme.find((u) => u.id === "mona") };
    },
  });
  worker = await startWorker(baseSpec(origin.url));
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});
beforeEach(() => origin.clear());

async function call(req) {
  const res = await send(worker.url, req);
  seen.push(JSON.stringify(res.headers) + res.text);
  return res;
}
const bearer = (token) => ({ authorization: `Bearer ${token}` });
const json = { "content-type": "application/json" };
const mona = () => bearer(tokenFor("acme", "mona"));

function assertProblem(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers["content-type"], "application/problem+json");
  assert.equal(res.json.code, code);
  assert.equal(res.json.status, status);
  assert.equal(res.json.type, `urn:rolegate:problem:${code}`);
  assert.equal(typeof res.json.title, "string");
  assert.equal(typeof res.json.detail, "string");
}
const assertNothingReachedOrigin = () => assert.deepEqual(origin.requests.map((r) => `${r.method} ${r.url}`), []);
const assertNoChangeReachedOrigin = () => assert.deepEqual(origin.mutations().map((r) => `${r.method} ${r.url}`), []);

describe("401 invalid_token: nothing reaches origin", () => {
  const claims = () => ({ sub: "mona", tenant: "acme", roles: ["UserManager", "User"], exp: nowSec() + 600 });
  const cases = {
    "no Authorization header": () => ({}),
    "not a bearer scheme": () => ({ authorization: `Basic ${Buffer.from("mona:pw").toString("base64")}` }),
    "malformed token": () => bearer("not.a-jwt"),
    "alg none": () => bearer(`${rawJwt({ alg: "none", typ: "JWT", kid: "auth-2025" }, claims(), { signature: "" })}`),
    "alg HS512": () => bearer(rawJwt({ alg: "HS512", typ: "JWT", kid: "auth-2025" }, claims(), { alg: "sha512" })),
    "unknown kid": () => bearer(rawJwt({ alg: "HS256", typ: "JWT", kid: "auth-1999" }, claims())),
    "bad signature (roles tampered)": () => {
      const [h, , s] = tokenFor("acme", "mona").split(".");
      const forged = Buffer.from(JSON.stringify({ ...claims(), roles: ["CustomerAdmin"] })).toString("base64url");
      return bearer(`${h}.${forged}.${s}`);
    },
    "signed with another secret": () => bearer(rawJwt({ alg: "HS256", typ: "JWT", kid: "auth-2025" }, claims(), { secret: "x".repeat(40) })),
    "expired beyond the 60 s leeway": () => bearer(tokenFor("acme", "mona", { exp: nowSec() - 61 })),
    "not yet valid beyond the leeway": () => bearer(tokenFor("acme", "mona", { nbf: nowSec() + 120 })),
    "an invitation token": () => bearer(inviteKeys.signInvitation({ sub: "mona", tenant: "acme", email: "m@x", inv: "i1" }, Date.now())),
    "two Authorization headers": () => ({ authorization: [`Bearer ${tokenFor("acme", "mona")}`, `Bearer ${tokenFor("acme", "carl")}`] }),
  };
  for (const [name, headers] of Object.entries(cases)) {
    test(name, async () => {
      const res = await call({ method: "DELETE", path: "/api/tenants/acme/users/alice", headers: headers() });
      assertProblem(res, 401, "invalid_token");
      assert.match(res.headers["www-authenticate"], /^Bearer error="invalid_token"(, error_description="[^"]+")?$/);
      assertNothingReachedOrigin();
    });
  }
  test("expired within the leeway is still accepted", async () => {
    const res = await call({ method: "POST", path: "/api/tenants/acme/users/alice/invitation", headers: bearer(tokenFor("acme", "mona", { exp: nowSec() - 30 })) });
    assert.equal(res.status, 200, res.text);
  });
  test("the 401 body is the same whether the target user exists or not", async () => {
    const a = await call({ method: "DELETE", path: "/api/tenants/acme/users/alice" });
    const b = await call({ method: "DELETE", path: "/api/tenants/acme/users/nobody-here" });
    assert.equal(a.status, 401);
    assert.equal(a.text, b.text);
    assertNothingReachedOrigin();
  });
});

describe("403, 404, 502: refused before the change reaches origin", () => {
  test("403 tenant_mismatch: a token for one tenant on another tenant's path", async () => {
    const res = await call({ method: "DELETE", path: "/api/tenants/globex/users/ann", headers: mona() });
    assertProblem(res, 403, "tenant_mismatch");
    assertNothingReachedOrigin();
  });
  test("403 forbidden carries every reason of the decision", async () => {
    const res = await call({ method: "PUT", path: "/api/tenants/acme/users/alice/roles", headers: { ...mona(), ...json },
      body: JSON.stringify({ roles: ["ReportViewer", "CustomerAdmin"] }) });
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => [r.code, r.role]), [["role_not_held", "ReportViewer"], ["role_not_held", "CustomerAdmin"]]);
    assertNoChangeReachedOrigin();
  });
  test("403 forbidden for an unknown role name", async () => {
    const res = await call({ method: "POST", path: "/api/tenants/acme/users", headers: { ...mona(), ...json },
      body: JSON.stringify({ email: "x@acme.test", roles: ["Wizard"] }) });
    assertProblem(res, 403, "forbidden");
    assert.ok(res.json.reasons.some((r) => r.code === "unknown_role"));
    assertNothingReachedOrigin();
  });
  test("404 user_not_found when origin has no such target", async () => {
    const res = await call({ method: "DELETE", path: "/api/tenants/acme/users/ghost", headers: mona() });
    assertProblem(res, 404, "user_not_found");
    // The target's record, and the actor's own read beside it (ACTOR_CHECK=origin): nothing else.
    assert.deepEqual(origin.requests.map((r) => `${r.method} ${r.path}`).sort(), ["GET /api/tenants/acme/users/ghost", "GET /api/tenants/acme/users/mona"]);
  });
  test("the target lookup carries the actor's Authorization", async () => {
    const headers = mona();
    await call({ method: "POST", path: "/api/tenants/acme/users/alice/invitation", headers });
    assert.equal(origin.requests[0].method, "GET");
    assert.equal(origin.requests[0].headers.authorization, headers.authorization);
  });
  test("an origin alias for oneself is still oneself (the record's id counts)", async () => {
    const res = await call({ method: "DELETE", path: "/api/tenants/acme/users/me", headers: mona() });
    assertProblem(res, 403, "forbidden");
    assert.deepEqual(res.json.reasons.map((r) => r.code), ["self_remove"]);
    assertNoChangeReachedOrigin();
  });
  test("502 origin_error when the target lookup fails", async () => {
    const res = await call({ method: "POST", path: "/api/tenants/acme/users/broken/disable", headers: mona() });
    assertProblem(res, 502, "origin_error");
    assertNoChangeReachedOrigin();
  });
});

describe("bodies: 415, 413, 400 invalid_request", () => {
  const addUser = (headers, body, extra = {}) => call({ method: "POST", path: "/api/tenants/acme/users", headers: { ...mona(), ...headers }, body, ...extra });
  test("415 without a content type", async () => {
    assertProblem(await addUser({}, JSON.stringify({ email: "a@x", roles: ["User"] })), 415, "unsupported_media_type");
    assertNothingReachedOrigin();
  });
  test("415 with text/plain or a non-UTF-8 charset", async () => {
    for (const type of ["text/plain", "application/json; charset=latin1", "application/jsonx"]) {
      assertProblem(await addUser({ "content-type": type }, JSON.stringify({ email: "a@x", roles: ["User"] })), 415, "unsupported_media_type");
    }
    assertNothingReachedOrigin();
  });
  test("413 by Content-Length, before reading", async () => {
    const big = JSON.stringify({ email: "a@x", roles: ["User"], pad: "x".repeat(64 * 1024) });
    assertProblem(await addUser(json, big), 413, "body_too_large");
    assertNothingReachedOrigin();
  });
  test("413 by the bytes actually sent (chunked, no Content-Length)", async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const res = await addUser(json, undefined, { chunks: [Buffer.from('{"email":"a@x","roles":["User"]}'), chunk, chunk, chunk, chunk] });
    assertProblem(res, 413, "body_too_large");
    assertNothingReachedOrigin();
  });
  test("400 for a chunked body that also declares a Content-Length (ambiguous framing)", async () => {
    const chunk = Buffer.alloc(32 * 1024, 0x20);
    const res = await addUser({ ...json, "content-length": "40", "transfer-encoding": "chunked" }, undefined,
      { chunks: [Buffer.from('{"email":"a@x","roles":["User"]}'), chunk, chunk, chunk] });
    assertProblem(res, 400, "invalid_request");
    assertNothingReachedOrigin();
  });
  test("exactly 64 KiB is accepted", async () => {
    const head = '{"email":"a@x","roles":["User"]}';
    const body = head + " ".repeat(64 * 1024 - head.length);
    const res = await addUser(json, undefined, { chunks: [body] });
    assert.equal(res.status, 201, res.text);
    assert.equal(origin.mutations()[0].body.length, 64 * 1024);
  });
  const bad = {
    "malformed JSON": ['{"email": "a@x", "roles": [', ""],
    "a JSON array": ['[{"email":"a@x","roles":["User"]}]', ""],
    "roles not an array": ['{"email":"a@x","roles":"User"}', "roles"],
    "a role that is not a string": ['{"email":"a@x","roles":["User", 7]}', "roles[1]"],
    "missing email": ['{"roles":["User"]}', "email"],
    "empty email": ['{"email":" ","roles":["User"]}', "email"],
    "an unknown member": ['{"email":"a@x","roles":["User"],"admin":true}', "admin"],
    "a duplicate member (origin's parser might keep the other one)": ['{"email":"a@x","roles":["User"],"roles":["CustomerAdmin"]}', "roles"],
    "a duplicate member spelt with escapes": ['{"email":"a@x","roles":["User"],"rol\\u0065s":["CustomerAdmin"]}', "roles"],
    "a byte-order mark": ['\ufeff{"email":"a@x","roles":["User"]}', ""],
    "invalid UTF-8": [Buffer.concat([Buffer.from('{"email":"a@x\xff'), Buffer.from([0xff]), Buffer.from('","roles":["User"]}')]), ""],
  };
  for (const [name, [body, path]] of Object.entries(bad)) {
    test(`400 for ${name} (path '${path}')`, async () => {
      const res = await addUser(json, body);
      assertProblem(res, 400, "invalid_request");
      assert.equal(res.json.errors[0].path, path);
      assertNothingReachedOrigin();
    });
  }
  for (const query of ["roles=CustomerAdmin", "roles%5B%5D=CustomerAdmin", "ROLES=x", "email=other@x"]) {
    test(`400 for a query parameter shadowing a body member (?${query})`, async () => {
      const res = await call({ method: "POST", path: `/api/tenants/acme/users?${query}`, headers: { ...mona(), ...json }, body: '{"email":"a@x","roles":["User"]}' });
      assertProblem(res, 400, "invalid_request");
      assertNothingReachedOrigin();
    });
  }
  test("400 for a body on a request that takes none (other than {})", async () => {
    const res = await call({ method: "DELETE", path: "/api/tenants/acme/users/alice", headers: { ...mona(), ...json }, body: '{"roles":[]}' });
    assertProblem(res, 400, "invalid_request");
    assertNothingReachedOrigin();
    const ok = await call({ method: "POST", path: "/api/tenants/acme/users/alice/invitation", headers: { ...mona(), ...json }, body: "{}" });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe("paths: canonical or refused", () => {
  // [method, raw path, expected status]: anything an origin router might take for a protected route.
  const hostile = [
    ["DELETE", "/api/tenants/acme/users/alice/", 400],
    ["DELETE", "/api/tenants/acme/users//alice", 400],
    ["DELETE", "/api//tenants/acme/users/alice", 400],
    ["DELETE", "//api/tenants/acme/users/alice", 400],
    ["PUT", "/api/tenants/acme/users/alice%2Froles", 400],
    ["PUT", "/api/tenants/acme/users/alice%252Froles", 400],
    ["DELETE", "/api/tenants/acme/users/%61lice", 400],
    ["DELETE", "/API/tenants/acme/users/alice", 400],
    ["DELETE", "/api/Tenants/acme/users/alice", 400],
    ["DELETE", "/api/tenants/acme/USERS/alice", 400],
    ["PUT", "/api/tenants/acme/users/alice/Roles", 400],
    ["PUT", "/api/tenants/acme/users/alice/roles.json", 400],
    ["PUT", "/api/tenants/acme/users/alice/roles;x=1", 400],
    ["DELETE", "/api/tenants/acme/users.json/alice", 400],
    ["DELETE", "/api/tenants/acme/users/x/%2e%2e/alice", 400],
    ["DELETE", "/api/tenants/acme/users/x/%2E%2E/alice", 400],
    ["DELETE", "/x/%2e%2e/api/tenants/acme/users/alice", 400],
    ["DELETE", "/api/tenants/acme/users\\alice", 400],
    ["PUT", "/api/tenants/acme/users/alice\\roles", 400],
    ["DELETE", "/api/tenants/acme/users/al%00ice", 400],
    ["GET", "/invitations/accept/", 400],
    ["GET", "/Invitations/accept?token=x", 400],
    ["GET", "/invitations//accept?token=x", 400],
    ["GET", "/invitations/accept/x.y.z", 400],
    ["PATCH", "/api/tenants/acme/users/alice/roles", 405],
    ["POST", "/api/tenants/acme/users/alice/roles", 405],
    ["PUT", "/api/tenants/acme/users/alice", 405],
    ["POST", "/api/tenants/acme/users/alice/password", 405],
    ["DELETE", "/api/tenants/acme/users/alice/roles/x", 405],
    ["PUT", "/invitations/accept?token=x", 405],
  ];
  for (const [method, path, status] of hostile) {
    test(`${method} ${path} -> ${status}`, async () => {
      const res = await call({ method, path, headers: { ...mona(), ...json }, body: method === "GET" ? undefined : '{"roles":["User","CustomerAdmin"]}' });
      assertProblem(res, status, status === 400 ? "invalid_path" : "method_not_allowed");
      if (status === 405) assert.match(res.headers.allow, /GET/);
      assertNothingReachedOrigin();
    });
  }
  for (const [name, headers, path] of [
    ["X-HTTP-Method-Override header", { "x-http-method-override": "DELETE" }, "/api/tenants/acme/users/alice"],
    ["X-HTTP-Method header", { "x-http-method": "PUT" }, "/api/tenants/acme/users/alice/roles"],
    ["_method query parameter", {}, "/api/tenants/acme/users/alice?_method=DELETE"],
  ]) {
    test(`method override refused: ${name}`, async () => {
      const res = await call({ method: "GET", path, headers: { ...mona(), ...headers } });
      assertProblem(res, 400, "invalid_request");
      assertNothingReachedOrigin();
    });
  }
});

describe("accepted requests reach origin intact; everything else passes through untouched", () => {
  test("PUT roles: method, path, query, headers and body bytes unchanged", async () => {
    const body = Buffer.from('{ "roles" : [ "User",\n "UserManager" ] , "x":0 }'.replace(', "x":0', "") + "  \n", "utf8");
    const headers = {
      ...mona(), "content-type": "application/json; charset=UTF-8", accept: "application/json",
      "x-request-id": "req-123", "x-unicode": "caf\u00e9", cookie: "session=abc; theme=dark",
      "content-length": String(body.length),
    };
    const res = await call({ method: "PUT", path: "/api/tenants/acme/users/alice/roles?dry=1&a=%2F&a=b", headers, body });
    assert.equal(res.status, 200, res.text);
    const [lookup, forwarded] = [origin.requests.find((r) => r.path.endsWith("/alice")), origin.requests.at(-1)];
    assert.equal(`${lookup.method} ${lookup.path}`, "GET /api/tenants/acme/users/alice");
    assert.equal(forwarded.method, "PUT");
    assert.equal(forwarded.path, "/api/tenants/acme/users/alice/roles");
    assert.equal(forwarded.query, "dry=1&a=%2F&a=b");
    assert.ok(forwarded.body.equals(body), "byte-identical body");
    for (const [name, value] of Object.entries(headers)) assert.equal(forwarded.headers[name], value, name);
    // Only what any Workers fetch adds: Host (origin's) and CF-Worker (the zone making the request).
    assert.deepEqual(Object.keys(forwarded.headers).sort(), [...Object.keys(headers), "cf-worker", "host"].sort());
    await call({ method: "PUT", path: "/api/tenants/acme/users/alice/roles", headers: { ...bearer(tokenFor("acme", "carl")), ...json }, body: '{"roles":["User"]}' });
  });
  // Every protected route, accepted: what origin receives is exactly what was sent. A bodiless POST carries
  // Content-Length: 0 as Node sent it; to a DELETE sent without one, workerd's fetch adds Content-Length: 0
  // (any Workers fetch does, a pass-through worker's too), so that header is the one difference.
  const extra = { accept: "application/json", "x-request-id": "req-9", cookie: "session=abc" };
  for (const [name, method, path, body] of [
    ["add user", "POST", "/api/tenants/acme/users?src=ui", '{"email":"new@acme.test","roles":["User"]}'],
    ["send invitation", "POST", "/api/tenants/acme/users/alice/invitation?resend=1", ""],
    ["disable", "POST", "/api/tenants/acme/users/alice/disable?why=left", ""],
    ["enable", "POST", "/api/tenants/acme/users/alice/enable?why=back", ""],
    ["delete", "DELETE", "/api/tenants/acme/users/alice?soft=1", undefined],
  ]) {
    test(`${name}: method, path, query, headers and body arrive as sent`, async () => {
      const headers = { ...mona(), ...extra, ...(body && json) };
      const res = await call({ method, path, headers, body });
      assert.ok(res.status < 300, res.text);
      const forwarded = origin.requests.at(-1);
      assert.equal(`${forwarded.method} ${forwarded.url}`, `${method} ${path}`);
      const sent = { ...headers, "content-length": String(Buffer.byteLength(body ?? "")) };
      for (const [h, value] of Object.entries(sent)) assert.equal(forwarded.headers[h], value, h);
      assert.deepEqual(Object.keys(forwarded.headers).sort(), [...Object.keys(sent), "cf-worker", "host"].sort(), "no header added or lost");
      assert.ok(forwarded.body.equals(Buffer.from(body ?? "")), "the same body bytes");
      assert.equal(origin.requests.length, name === "add user" ? 2 : 3, "the target's and the actor's lookups, then the request");
    });
  }
  test("POST add user: the body arrives byte for byte, unicode included", async () => {
    const body = Buffer.from('{"email":"zo\u00eb@acme.test","name":"Zo\u00eb \u2713","roles":["User"]}');
    const res = await call({ method: "POST", path: "/api/tenants/acme/users", headers: { ...mona(), ...json }, body });
    assert.equal(res.status, 201, res.text);
    assert.equal(origin.requests.length, 2, "the actor's lookup, then the request");
    assert.ok(origin.requests[1].body.equals(body));
  });
  test("unprotected requests pass through untouched (no token needed)", async () => {
    const list = await call({ method: "GET", path: "/api/tenants/acme/users?q=al&limit=5" });
    assert.equal(list.status, 200);
    const other = await call({ method: "POST", path: "/health/ping?x=%20y", headers: { "content-type": "text/plain", "x-a": "1" }, body: "hello" });
    assert.equal(other.status, 200);
    const [a, b] = origin.requests;
    assert.equal(a.url, "/api/tenants/acme/users?q=al&limit=5");
    assert.equal(b.url, "/health/ping?x=%20y");
    assert.equal(b.body.toString(), "hello");
    assert.equal(b.headers["x-a"], "1");
  });
  test("a read of one user passes through without a token", async () => {
    const res = await call({ method: "GET", path: "/api/tenants/acme/users/alice" });
    assert.equal(res.status, 200);
    assert.equal(origin.requests.length, 1);
  });
  test("origin's answer comes back as is, redirects included", async () => {
    const res = await call({ method: "GET", path: "/api/tenants/acme/users/nope" });
    assert.equal(res.status, 404);
    assert.equal(res.headers["content-type"], "application/json");
  });
});

test("no response carried a secret", () => {
  assert.ok(seen.length > 40);
  for (const text of seen) {
    assert.ok(!text.includes(SECRET_MARKER), text);
    for (const secret of Object.values(AUTH_KEYS)) assert.ok(!text.includes(secret));
  }
  assert.ok(!worker.logs.join("").includes(SECRET_MARKER));
});
