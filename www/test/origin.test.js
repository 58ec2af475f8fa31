// The demo origin on its own (no worker), with the demo's identity provider: its store survives a
// restart, the seed covers every account status, the admin API answers only a valid token of the path's
// tenant, invitation links are single-use and newest-only, and it serves only the console's files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Policy } from "rolegate";
import { openDirectory } from "../demo/directory.js";
import { startOrigin } from "../demo/origin.js";
import { loadDemoPolicies } from "../demo/policies.js";
import { ADMIN_AUDIENCE, CONSOLE_CLIENT, startDemoProvider } from "../demo/provider.js";
import { startProvider } from "../../worker/test/provider.js";
import { signInAs } from "./sign-in.js";

const HOUR = 3_600_000;

/**
 * The provider and an origin on a fresh data dir with a hand-driven clock (account statuses and
 * invitations; tokens are checked on the wall clock, like the provider that issues them); `t.after`
 * stops both and removes the dir. `call(path, init, as)`: a request, signed in as user id `as`.
 */
async function origin(t, { dataDir, clock = { now: Date.UTC(2030, 0, 1) } } = {}) {
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  }
  const tenants = loadDemoPolicies();
  const directory = openDirectory({ dataDir, tenants, now: () => clock.now });
  const provider = await startDemoProvider();
  t.after(() => provider.close());
  const o = await startOrigin({ directory, signIn: { issuer: provider.issuer, audience: ADMIN_AUDIENCE, ...CONSOLE_CLIENT } });
  t.after(() => o.close());
  provider.configure({ dataDir, directory, consoleUrl: o.url });
  const tokens = new Map();
  const tokenOf = async (id) => {
    if (!tokens.has(id)) tokens.set(id, (await signInAs({ issuer: provider.issuer, consoleUrl: o.url }, id)).accessToken);
    return tokens.get(id);
  };
  const call = async (path, init = {}, as = undefined) => {
    const headers = { ...init.headers, ...(as && { authorization: `Bearer ${await tokenOf(as)}` }) };
    const res = await fetch(o.url + path, { ...init, headers });
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, type, headers: res.headers, body: type.includes("json") ? await res.json() : await res.text() };
  };
  const json = (method, body) => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { ...o, dataDir, clock, tenants, provider, call, json, tokenOf };
}

test("the seed covers every account status in both tenants, and a restart keeps changes", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await origin(t, { dataDir });
  for (const { tenant, policy } of first.tenants) {
    const compiled = Policy.fromJson(policy);
    const admin = { acme: "carla", globex: "alice" }[tenant];
    const { body } = await first.call(`/api/tenants/${tenant}/users`, {}, admin);
    const statuses = body.users.map((u) => compiled.accountStatus(u.account, first.clock.now));
    assert.deepEqual(new Set(statuses.map((s) => s.status)),
      new Set(["pending-invite", "invited", "expired-invitation", "enabled", "disabled", "sso-only"]), tenant);
    assert.ok(statuses.some((s) => s.tenantStatus === "disabled"), `${tenant}: a tenant-disabled user`);
    assert.ok(statuses.some((s) => s.status === "invited" && s.expiresAt - first.clock.now <= 10 * 60_000),
      `${tenant}: an invitation about to expire`);
  }
  assert.equal((await first.call("/api/tenants/acme/users/ann/roles", first.json("PUT", { roles: ["User", "ReportViewer"] }), "carla")).status, 200);
  assert.deepEqual(JSON.parse(readFileSync(first.storeFile, "utf8")).tenants.acme.users.find((u) => u.id === "ann").roles,
    ["User", "ReportViewer"]);
  await first.close();

  const second = await origin(t, { dataDir });
  assert.deepEqual((await second.call("/api/tenants/acme/users/ann", {}, "carla")).body.roles, ["User", "ReportViewer"]);
});

test("an invitation link works once, and only the newest one", async (t) => {
  const o = await origin(t);
  const send = async () => (await o.call("/api/tenants/acme/users/pete/invitation", { method: "POST" }, "carla")).body;
  const first = await send();
  assert.match(first.link, /^\/invitations\/accept\?token=/);
  o.clock.now += HOUR;
  const second = await send();
  const stale = await o.call(first.link);
  assert.equal(stale.status, 410);
  assert.equal(stale.body.code, "invitation_superseded");
  const ok = await o.call(second.link, { method: "POST" });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.user.account.acceptedAt, o.clock.now);
  assert.ok(!("inv" in ok.body.user), "the invitation id stays inside the origin");
  const again = await o.call(second.link, { headers: { accept: "text/html" } });
  assert.equal(again.status, 410);
  assert.match(again.type, /text\/html/);
  assert.match(again.body, /already used/);
});

test("an invitation link past the tenant's window is refused", async (t) => {
  const o = await origin(t);
  const { link } = (await o.call("/api/tenants/globex/users/pat/invitation", { method: "POST" }, "alice")).body;
  o.clock.now += 24 * HOUR + 1000;
  const res = await o.call(link);
  assert.equal(res.status, 410);
  assert.equal(res.body.code, "invitation_expired");
  const [head, body, sig] = link.split(".");
  const forged = await o.call([head, body, (sig[0] === "A" ? "B" : "A") + sig.slice(1)].join("."));
  assert.equal(forged.status, 400);
});

test("the admin API answers only a valid token of the path's tenant, of someone who may still sign in", async (t) => {
  const o = await origin(t);
  const users = "/api/tenants/acme/users";
  const anonymous = await o.call(users);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, "invalid_token");
  assert.match(anonymous.headers.get("www-authenticate"), /^Bearer /);
  assert.ok(!JSON.stringify(anonymous.body).includes("@acme.example"), "no user or e-mail without a token");
  const carla = await o.tokenOf("carla");
  for (const bad of [carla.slice(0, -2), `${carla.split(".").slice(0, 2).join(".")}.`, "not-a-jwt"]) {
    const res = await o.call(users, { headers: { authorization: `Bearer ${bad}` } });
    assert.equal(res.status, 401, bad);
    assert.match(res.headers.get("www-authenticate"), /error="invalid_token"/);
  }
  for (const method of ["GET", "DELETE"]) {
    assert.equal((await o.call(`${users}/ann`, { method })).status, 401, `${method} without a token`);
  }
  const other = await o.call(users, {}, "alice");
  assert.equal(other.status, 403, "a globex token at acme");
  assert.equal(other.body.code, "wrong_tenant");
  const ok = await o.call(users, {}, "uma");
  assert.equal(ok.status, 200);
  assert.ok(ok.body.users.some((u) => u.id === "carla"));
  // Carla disables Uma: Uma's token, still unexpired, no longer reads anything.
  assert.equal((await o.call("/api/tenants/acme/users/uma/disable", { method: "POST" }, "carla")).status, 200);
  const disabled = await o.call(users, {}, "uma");
  assert.equal(disabled.status, 403);
  assert.equal(disabled.body.code, "account_inactive");
  // The token endpoint of the old demo is gone.
  assert.equal((await o.call("/demo/token?tenant=acme&user=uma")).status, 404);
});

test("the provider's tokens: ES256 JWT access tokens for the admin API with the roles held at sign-in", async (t) => {
  const o = await origin(t);
  const consoleUrl = o.url;
  const uma = await signInAs({ issuer: o.provider.issuer, consoleUrl }, "uma");
  const [header, claims] = uma.accessToken.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url")));
  assert.deepEqual([header.alg, header.typ], ["ES256", "at+jwt"]);
  assert.deepEqual([claims.iss, claims.aud, claims.sub, claims.tenant, claims.roles, claims.client_id],
    [o.provider.issuer, ADMIN_AUDIENCE, "uma", "acme", ["UserManager", "User"], CONSOLE_CLIENT.clientId]);
  assert.deepEqual([uma.claims.name, uma.claims.email, uma.claims.tenant], ["Uma Manager", "uma@acme.example", "acme"]);
  const jwks = await (await fetch(`${o.provider.issuer}/jwks`)).json();
  assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ["ES256", "RS256"], "an RS256 key is published beside the signing key");
  assert.ok(jwks.keys.every((k) => !("d" in k)), "public keys only");
  // A change of roles shows in the next sign-in's token; someone who may not sign in gets none.
  assert.equal((await o.call("/api/tenants/acme/users/uma/roles", o.json("PUT", { roles: ["User"] }), "carla")).status, 200);
  const again = await signInAs({ issuer: o.provider.issuer, consoleUrl }, "uma");
  assert.deepEqual(JSON.parse(Buffer.from(again.accessToken.split(".")[1], "base64url")).roles, ["User"]);
  await assert.rejects(signInAs({ issuer: o.provider.issuer, consoleUrl }, "dan"), /answered 400/, "Dan is disabled");
});

test("origin checks every part of a token: issuer, audience, type, expiry, a key of the provider's set", async (t) => {
  const o = await origin(t);
  await o.tokenOf("carla");
  // Another oidc-provider (the worker tests' harness) holding the demo provider's own keys: it signs what
  // the demo provider never would.
  const keys = JSON.parse(readFileSync(join(o.dataDir, "provider-keys.json"), "utf8")).jwks;
  const forger = await startProvider({ keys, audience: ADMIN_AUDIENCE,
    accounts: { carla: { tenant: "acme", roles: ["CustomerAdmin"] } } });
  t.after(() => forger.close());
  const iss = o.provider.issuer;
  const read = async (token) => (await o.call("/api/tenants/acme/users", { headers: { authorization: `Bearer ${token}` } })).status;
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss } })), 200, "the same claims and key as the demo's own");
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss }, alg: "RS256" })), 200, "the RS256 key of the set verifies too");
  assert.equal(await read(await forger.mint({ sub: "carla" })), 401, "another issuer");
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss, aud: "urn:rolegate:edge" } })), 401, "another audience");
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss }, header: { typ: "JWT" } })), 401, "not an access token");
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss, exp: Math.floor(Date.now() / 1000) - 120 } })), 401, "expired");
  await forger.rotate({ alg: "ES256" });
  assert.equal(await read(await forger.mint({ sub: "carla", payload: { iss } })), 401, "a key the provider does not publish");
});

test("while the provider cannot be reached the admin API fails closed, and recovers", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await origin(t, { dataDir });
  const token = await first.tokenOf("carla");
  await first.close();
  await first.provider.close();
  // A fresh origin whose provider is down: no keys, nothing answered.
  const tenants = loadDemoPolicies();
  const directory = openDirectory({ dataDir, tenants });
  const o = await startOrigin({ directory, signIn: { issuer: first.provider.issuer, audience: ADMIN_AUDIENCE, ...CONSOLE_CLIENT } });
  t.after(() => o.close());
  const read = () => fetch(`${o.url}/api/tenants/acme/users`, { headers: { authorization: `Bearer ${token}` } });
  const res = await read();
  assert.equal(res.status, 503);
  assert.equal((await res.json()).code, "keys_unavailable");
  // The provider back on its port, with its keys: the same token reads again, nothing restarted here.
  const back = await startDemoProvider({ port: Number(new URL(first.provider.issuer).port) });
  t.after(() => back.close());
  back.configure({ dataDir, directory, consoleUrl: o.url });
  assert.equal((await read()).status, 200);
});

test("serves the console and the package, nothing else", async (t) => {
  const o = await origin(t);
  for (const [path, type] of [["/", "text/html"], ["/app.js", "text/javascript"], ["/ui/dom.js", "text/javascript"],
    ["/vendor/oauth4webapi/index.js", "text/javascript"], ["/edge/policy-edit.js", "text/javascript"],
    ["/style.css", "text/css"], ["/pkg/index.js", "text/javascript"], ["/pkg/rolegate.js", "text/javascript"],
    ["/pkg/rolegate_bg.wasm", "application/wasm"]]) {
    const res = await fetch(o.url + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type"), new RegExp(type), path);
  }
  for (const path of ["/demo/origin.js", "/package.json", "/pkg/package.json", "/ui/%2e%2e%2fdemo%2fkeys.js",
    "/%2e%2e/www/app.js", "/.data/keys.json", "/.data/provider-keys.json", "/test/origin.test.js",
    "/vendor/oauth4webapi/index.d.ts", "/vendor/oauth4webapi/../package.json", "/edge/policies.js", "/edge/index.js"]) {
    assert.equal((await fetch(o.url + path)).status, 404, path);
  }
  const keys = JSON.parse(readFileSync(join(o.dataDir, "keys.json"), "utf8"));
  const secrets = [keys.inviteKey, keys.policyReadKey,
    ...JSON.parse(readFileSync(join(o.dataDir, "provider-keys.json"), "utf8")).jwks.map((k) => k.d)];
  for (const path of ["/demo/policies", "/demo/sign-in", "/demo/decisions"]) {
    const all = await (await fetch(o.url + path)).text();
    assert.ok(secrets.every((secret) => !all.includes(secret)), `no secret in ${path}`);
  }
  assert.deepEqual(await (await fetch(o.url + "/demo/sign-in")).json(),
    { issuer: o.provider.issuer, clientId: CONSOLE_CLIENT.clientId, scope: CONSOLE_CLIENT.scope });
});

// ---- the tenant's policy, stored with its versions ----------------------------------------------------

const POLICY = "/api/tenants/acme/policy";
/** A PUT of policy text over `etag` (none: no If-Match). */
const put = (text, etag, headers = {}) => ({ method: "PUT", body: text,
  headers: { "content-type": "application/json", ...(etag && { "if-match": etag }), ...headers } });
/** Product A where a user manager carries ReportViewer (Uma gains all reports). */
const wider = (doc) => ({ ...doc, roles: { ...doc.roles, UserManager: { ...doc.roles.UserManager, includes: ["ReportViewer"] } } });

test("a tenant's policy: the example as its first version, saved over its ETag as the next, the history, each version's text; kept across a restart", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const o = await origin(t, { dataDir });
  const exampleText = readFileSync(new URL("../../examples/product-a.json", import.meta.url), "utf8");
  const first = await o.call(POLICY, {}, "uma");
  assert.equal(first.status, 200, "anyone of the tenant reads it");
  assert.deepEqual(first.body, JSON.parse(exampleText));
  const etag = first.headers.get("etag");
  assert.match(etag, /^"1\.[0-9a-f]{16}"$/);
  assert.equal((await o.call(POLICY, { headers: { "if-none-match": etag } }, "uma")).status, 304);

  o.clock.now += HOUR;
  const added = (await o.call("/api/tenants/acme/users/rita/roles", o.json("PUT", { roles: ["Auditor"] }), "carla")).body;
  assert.equal(added.code, "unknown_role", "no such role yet");
  const next = wider(first.body);
  const text = JSON.stringify({ ...next, roles: { ...next.roles, Auditor: { grants: { reports: "all" } } } }, null, 2);
  const saved = await o.call(POLICY, put(text, etag), "carla");
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const hash = `sha256:${createHash("sha256").update(JSON.stringify(JSON.parse(text))).digest("hex")}`;
  assert.deepEqual(saved.body, { version: 2, hash, savedBy: "carla", savedAt: o.clock.now });
  assert.notEqual(saved.headers.get("etag"), etag);
  const now = await fetch(o.url + POLICY, { headers: { authorization: `Bearer ${await o.tokenOf("carla")}` } });
  assert.equal(await now.text(), text, "stored as sent");
  // Origin decides with it at once: the role it adds can be given.
  assert.equal((await o.call("/api/tenants/acme/users/rita/roles", o.json("PUT", { roles: ["Auditor"] }), "carla")).status, 200);

  // A revert: version 1's text saved again, over the current ETag.
  const v1 = await fetch(`${o.url}${POLICY}/versions/1`, { headers: { authorization: `Bearer ${await o.tokenOf("carla")}` } });
  const restored = await o.call(POLICY, put(await v1.text(), saved.headers.get("etag")), "carla");
  assert.equal(restored.status, 200);
  assert.equal(restored.body.restores, 1);
  const history = await o.call(`${POLICY}/versions`, {}, "uma");
  assert.deepEqual(history.body.versions.map((v) => [v.version, v.savedBy, v.current, v.restores]),
    [[3, "carla", true, 1], [2, "carla", false, undefined], [1, null, false, undefined]]);
  assert.equal(history.body.versions[0].hash, history.body.versions[2].hash);
  assert.equal((await o.call(`${POLICY}/versions/9`, {}, "uma")).status, 404);
  await o.close();

  const again = await origin(t, { dataDir });
  assert.deepEqual((await again.call(`${POLICY}/versions`, {}, "uma")).body.versions.map((v) => v.version), [3, 2, 1]);
});

test("a save is refused whole, nothing stored: 428, 415, 413, 422 with located errors, 412, and 403 by the editing rules", async (t) => {
  const o = await origin(t);
  const { body: doc, headers } = await o.call(POLICY, {}, "carla");
  const etag = headers.get("etag");
  const refused = async (init, as, status, code) => {
    const res = await o.call(POLICY, init, as);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.equal(res.body.code, code);
    return res.body;
  };
  const text = JSON.stringify(wider(doc));
  await refused(put(text), "carla", 428, "precondition_required");
  await refused(put(text, "*"), "carla", 428, "precondition_required");
  await refused(put(text, etag, { "content-type": "text/plain" }), "carla", 415, "unsupported_media_type");
  await refused(put(JSON.stringify({ ...doc, pad: "x".repeat(256 * 1024) }), etag), "carla", 413, "body_too_large");
  const broken = JSON.stringify({ ...doc, userAdmin: { feature: "users", level: "root" }, invitationTtl: "soon" }, null, 2);
  const invalid = await refused(put(broken, etag), "carla", 422, "invalid_policy");
  assert.deepEqual(invalid.errors.map((e) => [e.path, e.code, e.line]), [
    ["userAdmin.level", "unknown_level", broken.split("\n").findIndex((l) => l.includes('"root"')) + 1],
    ["invitationTtl", "invalid_duration", broken.split("\n").findIndex((l) => l.includes('"soon"')) + 1],
  ]);
  assert.ok(invalid.errors.every((e) => e.column > 0));
  await refused(put(text, '"0.0000000000000000"'), "carla", 412, "precondition_failed");
  const notAdmin = await refused(put(text, etag), "uma", 403, "forbidden");
  assert.deepEqual(notAdmin.reasons.map((r) => r.code), ["not_policy_admin", "editor_gains"]);
  const noAdmin = { ...doc, roles: { ...doc.roles, CustomerAdmin: { grants: { orgSettings: "manage" } }, UserManager: { grants: { channels: "manage" } } } };
  assert.deepEqual((await refused(put(JSON.stringify(noAdmin), etag), "carla", 403, "forbidden")).reasons.map((r) => r.code), ["no_user_admin"]);
  assert.deepEqual((await o.call(`${POLICY}/versions`, {}, "carla")).body.versions.map((v) => v.version), [1], "nothing stored");
});

test("the edge's policy-read key reads the current policy, and nothing else", async (t) => {
  const o = await origin(t);
  const { policyReadKey } = JSON.parse(readFileSync(join(o.dataDir, "keys.json"), "utf8"));
  const edge = { headers: { authorization: `Bearer ${policyReadKey}` } };
  assert.equal((await o.call(POLICY, edge)).status, 200);
  assert.equal((await o.call("/api/tenants/globex/policy", edge)).status, 200);
  for (const path of [`${POLICY}/versions`, `${POLICY}/versions/1`, "/api/tenants/acme/users"]) {
    assert.equal((await o.call(path, edge)).status, 401, path);
  }
  assert.equal((await o.call(POLICY, { ...put("{}", '"x"'), headers: { ...put("{}", '"x"').headers, ...edge.headers } })).status, 401, "no save with it");
  assert.equal((await o.call(POLICY, { headers: { authorization: `Bearer ${policyReadKey.slice(1)}x` } })).status, 401);
});
