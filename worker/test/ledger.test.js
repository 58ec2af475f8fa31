// The invitation ledger (a Durable Object in real workerd): with INVITATION_LEDGER bound, a link is
// let through once and only while it is the newest the edge knows of; replays, superseded links and
// concurrent duplicates are refused at the edge, and origin receives nothing for them.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { send, sendJson } from "./client.js";
import { USERS, baseSpec, inviteKeys, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorker } from "./harness.js";

/** An issue time with a non-zero millisecond part; the worker's clock is injected from it. */
const ISSUED = 1_800_000_000_789;
const ACCEPT = "/invitations/accept";

let origin, worker, inv = 0;
/** What origin answers to an accept (default: the recording origin's 200). */
let acceptAnswer;
/** The link origin mints on a resend, and when (ms). */
let resendAt = ISSUED;

before(async () => {
  origin = await startRecordingOrigin({
    users: USERS,
    respond(rec) {
      if (rec.path === ACCEPT) return acceptAnswer?.(rec);
      if (rec.method === "POST" && rec.path.endsWith("/invitation")) {
        const id = rec.path.split("/")[5];
        return { status: 200, body: { user: { id }, link: `${ACCEPT}?token=${link({ sub: id, at: resendAt })}` } };
      }
      return undefined;
    },
  });
  worker = await startWorker(baseSpec(origin.url, { testClock: true, ledger: true }));
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});
beforeEach(() => {
  origin.clear();
  acceptAnswer = undefined;
});

/** A fresh invitation link (its own id) for `sub` at acme, issued at `at`. */
function link({ sub = "alice", at = ISSUED, id = `inv-${++inv}` } = {}) {
  return inviteKeys.signInvitation({ sub, tenant: "acme", email: `${sub}@acme.test`, inv: id }, at);
}
const accept = (token, { method = "GET", at = ISSUED + 1000, headers = {} } = {}) =>
  send(worker.url, { method, path: `${ACCEPT}?token=${token}`, headers: { "x-test-now": String(at), ...headers } });
const accepts = () => origin.requests.filter((r) => r.path === ACCEPT);

function assertRefused(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.code, code, res.text);
}

describe("single use at the edge", () => {
  test("a link accepted once, then replayed: the replay is 410 invitation_used and origin receives nothing", async () => {
    const token = link();
    assert.equal((await accept(token)).status, 200);
    assert.equal(accepts().length, 1);
    origin.clear();
    assertRefused(await accept(token), 410, "invitation_used");
    assertRefused(await accept(token, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }), 410, "invitation_used");
    assert.deepEqual(origin.requests, []);
  });

  test("a browser gets the replay's refusal as an HTML page", async () => {
    const token = link();
    await accept(token);
    const res = await accept(token, { headers: { accept: "text/html" } });
    assert.equal(res.status, 410);
    assert.match(res.headers["content-type"], /^text\/html/);
    assert.match(res.text, /already used/);
  });

  test("20 concurrent accepts of one link: exactly one reaches origin", async (t) => {
    const token = link();
    const answers = await Promise.all(Array.from({ length: 20 }, () => accept(token)));
    const statuses = answers.map((r) => r.status);
    t.diagnostic(`answers: ${[409, 410].map((s) => `${statuses.filter((x) => x === s).length} × ${s}`).join(", ")}, 1 × 200`);
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(" "));
    for (const res of answers.filter((r) => r.status !== 200)) {
      assert.ok(["409 invitation_in_progress", "410 invitation_used"].includes(`${res.status} ${res.json?.code}`), res.text);
    }
    assert.equal(accepts().length, 1);
  });

  test("a link origin did not accept is not burnt: a retry goes through", async () => {
    const token = link();
    acceptAnswer = () => ({ status: 500, body: { title: "origin down" } });
    assert.equal((await accept(token)).status, 500);
    acceptAnswer = () => ({ status: 410, body: { code: "invitation_used" } });
    assert.equal((await accept(token)).status, 410, "origin's own refusal passes through");
    acceptAnswer = undefined;
    assert.equal((await accept(token)).status, 200);
    assert.equal(accepts().length, 3);
    assertRefused(await accept(token), 410, "invitation_used");
    assert.equal(accepts().length, 3);
  });

  test("a HEAD is judged but never holds or redeems the link", async () => {
    const token = link();
    assert.equal((await accept(token, { method: "HEAD" })).status, 200);
    assert.equal((await accept(token)).status, 200);
    assert.equal((await accept(token, { method: "HEAD" })).status, 410);
    assert.equal(accepts().length, 2);
  });

  test("another user's link is independent", async () => {
    await accept(link({ sub: "vera" }));
    assert.equal((await accept(link())).status, 200);
  });
});

describe("only the newest link", () => {
  const resend = (id, at) => {
    resendAt = at;
    return sendJson(worker.url, "POST", `/api/tenants/acme/users/${id}/invitation`, tokenFor("acme", "carl", { exp: Math.floor(at / 1000) + 600 }), undefined,
      { "x-test-now": String(at) });
  };

  test("a resend through the edge makes the older link 410 invitation_superseded; the new one works", async () => {
    const older = link({ sub: "vera", at: ISSUED });
    const res = await resend("vera", ISSUED + 5000);
    assert.equal(res.status, 200, res.text);
    const newer = new URL(res.json.link, "http://x").searchParams.get("token");
    origin.clear();
    assertRefused(await accept(older, { at: ISSUED + 6000 }), 410, "invitation_superseded");
    assert.deepEqual(origin.requests, []);
    assert.equal((await accept(newer, { at: ISSUED + 6000 })).status, 200);
    assertRefused(await accept(newer, { at: ISSUED + 7000 }), 410, "invitation_used");
  });

  test("origin's resend answer reaches the client byte for byte", async () => {
    const res = await resend("alice", ISSUED + 9000);
    assert.equal(res.status, 200);
    assert.match(res.json.link, /^\/invitations\/accept\?token=/);
    assert.equal(res.headers["content-type"], "application/json");
  });

  test("a link issued before one already accepted is superseded, even without a resend seen", async () => {
    const first = link({ sub: "mona", at: ISSUED });
    const second = link({ sub: "mona", at: ISSUED + 3000 });
    assert.equal((await accept(second, { at: ISSUED + 4000 })).status, 200);
    assertRefused(await accept(first, { at: ISSUED + 4000 }), 410, "invitation_superseded");
  });

  test("two links of the same second are both left to origin (the edge cannot order them)", async () => {
    const a = link({ sub: "carl", at: ISSUED + 20_000 });
    const b = link({ sub: "carl", at: ISSUED + 20_100 });
    assert.equal((await accept(a, { at: ISSUED + 21_000 })).status, 200);
    assert.equal((await accept(b, { at: ISSUED + 21_000 })).status, 200, "origin decides");
  });
});

describe("fail closed", () => {
  test("a ledger that cannot be reached: 503 ledger_unavailable, nothing forwarded", async (t) => {
    const broken = await startWorker(baseSpec(origin.url, { testClock: true, vars: { INVITATION_LEDGER: "not a namespace" } }));
    t.after(() => broken.stop());
    const res = await send(broken.url, { path: `${ACCEPT}?token=${link()}`, headers: { "x-test-now": String(ISSUED) } });
    assertRefused(res, 503, "ledger_unavailable");
    assert.deepEqual(origin.requests, []);
  });

  test("without INVITATION_LEDGER a replay is forwarded: origin keeps the single-use check", async (t) => {
    const plain = await startWorker(baseSpec(origin.url, { testClock: true }));
    t.after(() => plain.stop());
    const token = link();
    for (let i = 0; i < 2; i++) {
      assert.equal((await send(plain.url, { path: `${ACCEPT}?token=${token}`, headers: { "x-test-now": String(ISSUED) } })).status, 200);
    }
    assert.equal(accepts().length, 2);
  });
});
