// Hostile and malformed requests against the enforcing worker in real workerd (one for the whole
// file) with a recording origin: each case of hostile-cases.js must get its exact status and
// problem code, and origin must receive no change (for invitation links: nothing at all). Controls
// show the same requests without their hostile part are forwarded, so the refusals are meaningful.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { AUTH_KEYS, INVITE_KEY, SECRET_MARKER, USERS, baseSpec, inviteKeys, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorker } from "./harness.js";
import { hostileCases } from "./hostile-cases.js";

const CASES = hostileCases();
/** Cases by group, in table order. */
const GROUPS = new Map();
for (const c of CASES) GROUPS.set(c.group, [...(GROUPS.get(c.group) ?? []), c]);

let origin, worker;
/** Invitation ids origin has accepted: origin's half of single use (the edge cannot know). */
const consumed = new Set();
/** Every response seen, checked for secrets at the end. */
const seen = [];

before(async () => {
  origin = await startRecordingOrigin({
    users: USERS,
    respond: (req) => {
      if (req.path !== "/invitations/accept") return undefined;
      const token = new URLSearchParams(req.query).get("token");
      const { inv } = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
      if (consumed.has(inv)) return { status: 410, body: { code: "invitation_used" } };
      consumed.add(inv);
      return { status: 200, body: { accepted: inv } };
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

/** The exact refusal `expect` describes, and nothing changed at origin. */
function assertRefusal(res, c) {
  const { status, code, reason, errorPath, html } = c.expect;
  assert.equal(res.status, status, res.text.slice(0, 500));
  if (html) {
    assert.match(res.headers["content-type"], /^text\/html/);
    assert.match(res.text, new RegExp(`HTTP ${status}`));
  } else {
    assert.equal(res.headers["content-type"], "application/problem+json");
    assert.equal(res.json.code, code, res.text.slice(0, 500));
    assert.equal(res.json.status, status);
    assert.equal(res.json.type, `urn:rolegate:problem:${code}`);
    assert.equal(typeof res.json.detail, "string");
  }
  if (status === 401) assert.match(res.headers["www-authenticate"] ?? "", /^Bearer error="invalid_token", error_description="[^"]+"$/);
  if (status === 405) assert.ok(res.headers.allow, "405 names the allowed methods");
  if (reason) assert.ok(res.json.reasons?.some((r) => r.code === reason), `reason ${reason} in ${res.text.slice(0, 500)}`);
  if (errorPath !== undefined) assert.equal(res.json.errors?.[0]?.path, errorPath, res.text.slice(0, 500));
  const beyond = origin.beyondLookup(c.path).map((r) => `${r.method} ${r.url.slice(0, 120)}`);
  assert.deepEqual(beyond, [], "origin received nothing but the lookup of the target's roles (an add: nothing)");
  if (c.group === "invitation links") assert.deepEqual(origin.requests, [], "no accept reached origin");
}

for (const [group, cases] of GROUPS) {
  describe(`hostile: ${group}`, () => {
    for (const c of cases) {
      test(c.name, async () => assertRefusal(await call(c), c));
    }
  });
}

test("hostile case count", (t) => {
  const names = CASES.map((c) => `${c.group}: ${c.name}`);
  assert.equal(new Set(names).size, names.length, "case names are unique");
  assert.ok(CASES.length >= 150, `${CASES.length} cases`);
  t.diagnostic(`${CASES.length} hostile requests: ${[...GROUPS].map(([g, cs]) => `${g} ${cs.length}`).join(", ")}`);
});

describe("controls: without the hostile part the same requests are forwarded intact", () => {
  const mona = { authorization: `Bearer ${tokenFor("acme", "mona")}`, "content-type": "application/json" };
  const forwarded = async (req, status) => {
    const res = await call({ method: "POST", path: "/api/tenants/acme/users", ...req });
    assert.equal(res.status, status, res.text.slice(0, 500));
    const [change] = origin.mutations();
    assert.equal(origin.mutations().length, 1);
    assert.ok(change.body.equals(Buffer.from(req.body ?? Buffer.concat(req.chunks))), "byte-identical body");
  };
  test("Mona adds a User", () => forwarded({ headers: mona, body: '{"email":"new@acme.test","roles":["User"]}' }, 201));
  test("a body of exactly 64 KiB (Content-Length)", () => forwarded({ headers: mona, body: '{"email":"a@x","roles":["User"]}'.padEnd(64 * 1024) }, 201));
  test("a body of exactly 64 KiB (chunked)", () => forwarded({ headers: mona, chunks: [Buffer.from('{"email":"a@x","roles":["User"]}'.padEnd(64 * 1024))] }, 201));
  test("duplicate held roles", () => forwarded({ headers: mona, body: '{"email":"a@x","roles":["User","User"]}' }, 201));
  test("content type in another case with a quoted UTF-8 charset", () =>
    forwarded({ headers: { ...mona, "content-type": 'Application/JSON; Charset="UTF-8"' }, body: '{"email":"a@x","roles":["User"]}' }, 201));
  test("Ada grants Administrator (the look-alikes' original)", async () => {
    const res = await call({ method: "POST", path: "/api/tenants/globex/users", body: '{"email":"a@x","roles":["Administrator"]}',
      headers: { authorization: `Bearer ${tokenFor("globex", "ada")}`, "content-type": "application/json" } });
    assert.equal(res.status, 201, res.text);
    assert.equal(origin.mutations().length, 1);
  });
});

describe("invitation replay: the edge checks signature, purpose and expiry; origin enforces single use", () => {
  test("a valid link is forwarded each time, and origin's refusal of the replay comes back unchanged", async () => {
    const link = inviteKeys.signInvitation({ sub: "alice", tenant: "acme", email: "alice@acme.test", inv: "replay-1" }, Date.now());
    const first = await call({ method: "GET", path: `/invitations/accept?token=${link}` });
    assert.equal(first.status, 200, first.text);
    const replay = await call({ method: "GET", path: `/invitations/accept?token=${link}` });
    assert.equal(replay.status, 410);
    assert.deepEqual(replay.json, { code: "invitation_used" }, "origin's answer, not the edge's");
    assert.deepEqual(origin.requests.map((r) => r.url), [1, 2].map(() => `/invitations/accept?token=${link}`));
  });
});

describe("malformed HTTP that workerd itself refuses: the worker never runs, nothing reaches origin", () => {
  // Raw request heads (the Node client would not send these). workerd answers them itself (500 for
  // an unparseable target, Host or Content-Length, 501 for a method it does not know), before the worker.
  const mona = tokenFor("acme", "mona");
  const head = (line, extra = "") => `${line}\r\nHost: edge.test\r\nAuthorization: Bearer ${mona}\r\n${extra}Connection: close\r\n\r\n`;
  const body = '{"email":"new@acme.test","roles":["CustomerAdmin"]}';
  for (const [name, request] of [
    ["absolute-form target", head("DELETE http://evil.test/api/tenants/acme/users/alice HTTP/1.1")],
    ["lower-case method", head("delete /api/tenants/acme/users/alice HTTP/1.1")],
    ["negative Content-Length", head("POST /api/tenants/acme/users HTTP/1.1", "Content-Type: application/json\r\nContent-Length: -1\r\n") + body],
    ["two different Content-Lengths", head("POST /api/tenants/acme/users HTTP/1.1",
      `Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: ${body.length}\r\n`) + body],
    ["Transfer-Encoding gzip, chunked", head("POST /api/tenants/acme/users HTTP/1.1",
      "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n") + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`],
    ["a Host with a path", head("DELETE /api/tenants/acme/users/alice HTTP/1.1").replace("Host: edge.test", "Host: a/b")],
  ]) {
    test(name, async () => {
      const res = await rawRequest(request);
      assert.match(res, /^HTTP\/1\.1 [45]\d\d /, res.slice(0, 200));
      assert.doesNotMatch(res, /urn:rolegate|"status":2/);
      assert.deepEqual(origin.requests, [], "nothing reached origin");
    });
  }
});

/** Sends raw bytes to the worker and returns everything it answered. */
function rawRequest(text) {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(text));
    const parts = [];
    socket.on("data", (d) => parts.push(d));
    socket.on("close", () => resolve(Buffer.concat(parts).toString("latin1")));
    socket.on("error", reject);
  });
}

test("no response or log carried a secret", () => {
  assert.ok(seen.length >= CASES.length);
  const secrets = [SECRET_MARKER, INVITE_KEY, ...Object.values(AUTH_KEYS)];
  for (const text of [...seen, worker.logs.join("")]) {
    for (const secret of secrets) assert.ok(!text.includes(secret), text.slice(0, 300));
  }
});
