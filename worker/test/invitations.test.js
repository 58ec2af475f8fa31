// Invitation links at the edge: signature, purpose and expiry (the token tenant's policy window
// from its issue time, iat in seconds), with the injected clock. Single use and newest-link-only
// are origin's half and are not checked here.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { send } from "./client.js";
import { PRODUCT_B, USERS, baseSpec, inviteKeys, tokenFor } from "./fixtures.js";
import { startRecordingOrigin, startWorker } from "./harness.js";
import { Keyring } from "rolegate";

let origin, worker;
before(async () => {
  origin = await startRecordingOrigin({ users: USERS });
  // Product A (24 h) at acme; product B with a 2 s window at globex.
  worker = await startWorker(baseSpec(origin.url, { testClock: true, tenantPolicies: { globex: { ...PRODUCT_B, invitationTtl: "2s" } } }));
});
after(async () => {
  await worker?.stop();
  await origin?.close();
});
beforeEach(() => origin.clear());

const DAY = 24 * 3600 * 1000;
/** An issue time with a non-zero millisecond part, so the seconds rounding of iat matters. */
const ISSUED = 1_800_000_000_789;
const link = ({ tenant = "acme", keyring = inviteKeys, at = ISSUED } = {}) =>
  keyring.signInvitation({ sub: "alice", tenant, email: "alice@acme.test", inv: "inv-1" }, at);
const accept = (token, nowMs, { method = "GET", headers = {}, body, query } = {}) => send(worker.url, {
  method, body,
  path: query ?? `/invitations/accept?token=${encodeURIComponent(token)}`,
  headers: { "x-test-now": String(nowMs), ...headers },
});
/** The last valid millisecond: iat (seconds) * 1000 + ttl. */
const lastValid = (ttl) => ISSUED + ttl;

function assertRefused(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.code, code, res.text);
  assert.deepEqual(origin.requests, [], "origin received nothing");
}

describe("valid links are forwarded unchanged", () => {
  test("GET: the query arrives as sent", async () => {
    const token = link();
    const res = await accept(token, ISSUED + 1000, { query: `/invitations/accept?token=${token}&utm=mail` });
    assert.equal(res.status, 200, res.text);
    assert.equal(origin.requests.length, 1);
    assert.equal(origin.requests[0].url, `/invitations/accept?token=${token}&utm=mail`);
  });
  test("POST with a form body: the body arrives byte for byte", async () => {
    const body = "password=correct+horse&confirm=correct+horse";
    const res = await accept(link(), ISSUED, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(origin.requests[0].method, "POST");
    assert.equal(origin.requests[0].body.toString(), body);
  });
});

describe("bad links: 400 invalid_invitation", () => {
  test("tampered payload (another user)", async () => {
    const [h, p, s] = link().split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url"));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "carl" })).toString("base64url");
    assertRefused(await accept(`${h}.${forged}.${s}`, ISSUED), 400, "invalid_invitation");
  });
  test("tampered signature", async () => {
    const token = link();
    const flipped = token.slice(0, -2) + (token.at(-2) === "A" ? "B" : "A") + token.at(-1);
    assertRefused(await accept(flipped, ISSUED), 400, "invalid_invitation");
  });
  test("signed with another key", async () => {
    const other = new Keyring({ "invite-1": "another-invitation-key-0123456789" }, {});
    assertRefused(await accept(link({ keyring: other }), ISSUED), 400, "invalid_invitation");
  });
  test("an actor token is not an invitation (wrong typ)", async () => {
    assertRefused(await accept(tokenFor("acme", "alice"), Date.now()), 400, "invalid_invitation");
  });
  test("an actor token signed with the invitation key is still not an invitation", async () => {
    const token = inviteKeys.signActor({ sub: "alice", tenant: "acme", roles: ["User"], exp: Math.floor(ISSUED / 1000) + 600 }, "invite-1");
    assertRefused(await accept(token, ISSUED), 400, "invalid_invitation");
  });
  for (const [name, query] of [
    ["no token", "/invitations/accept"],
    ["an empty token", "/invitations/accept?token="],
    ["two tokens (origin might read the other one)", `/invitations/accept?token=${link()}&token=x.y.z`],
    ["garbage", "/invitations/accept?token=%00%ff"],
  ]) {
    test(name, async () => assertRefused(await accept("", ISSUED, { query }), 400, "invalid_invitation"));
  }
});

describe("expiry: valid while now <= iatMs + ttl, 410 one millisecond later", () => {
  test("24 h (product A): valid at exactly iat + 24 h", async () => {
    const res = await accept(link(), lastValid(DAY));
    assert.equal(res.status, 200, res.text);
  });
  test("24 h (product A): expired 1 ms later", async () => {
    assertRefused(await accept(link(), lastValid(DAY) + 1), 410, "invitation_expired");
  });
  test("the window runs from the issue millisecond, not the issue second", async () => {
    // ISSUED + 24 h is past iat*1000 + 24 h by ISSUED's 789 ms, and still valid: the link carries iatMs.
    assert.equal((await accept(link(), ISSUED + DAY)).status, 200);
  });
  test("a short invitationTtl (2 s, product B's tenant): the tenant's own window applies", async () => {
    const token = link({ tenant: "globex" });
    assert.equal((await accept(token, lastValid(2000))).status, 200);
    origin.clear();
    assertRefused(await accept(token, lastValid(2000) + 1), 410, "invitation_expired");
  });
  test("a browser gets the 410 as an HTML page", async () => {
    const res = await accept(link(), lastValid(DAY) + 1, {
      headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
    });
    assert.equal(res.status, 410);
    assert.match(res.headers["content-type"], /^text\/html/);
    assert.match(res.text, /<h1>Gone<\/h1>/);
    assert.match(res.text, /expired/);
    assert.deepEqual(origin.requests, []);
  });
  test("a client preferring JSON gets the problem document", async () => {
    const res = await accept(link(), lastValid(DAY) + 1, { headers: { accept: "application/json, text/html;q=0.5" } });
    assert.equal(res.headers["content-type"], "application/problem+json");
  });
});
