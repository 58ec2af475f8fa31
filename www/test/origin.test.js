// The demo origin on its own (no worker): its store survives a restart, the seed covers every account
// status, invitation links are single-use and newest-only, and it serves only the console's files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Policy, Keyring } from "rolegate";
import { startOrigin } from "../demo/origin.js";
import { loadDemoPolicies } from "../demo/policies.js";

const HOUR = 3_600_000;

/** An origin on a fresh data dir with a hand-driven clock; `t.after` stops it and removes the dir. */
async function origin(t, { dataDir, clock = { now: Date.UTC(2030, 0, 1) } } = {}) {
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  }
  const tenants = loadDemoPolicies();
  const o = await startOrigin({ dataDir, tenants, now: () => clock.now });
  t.after(() => o.close());
  const call = async (path, init = {}) => {
    const res = await fetch(o.url + path, init);
    const type = res.headers.get("content-type") ?? "";
    return { status: res.status, type, body: type.includes("json") ? await res.json() : await res.text() };
  };
  const json = (method, body) => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { ...o, dataDir, clock, tenants, call, json };
}

test("the seed covers every account status in both tenants, and a restart keeps changes", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-origin-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await origin(t, { dataDir });
  for (const { tenant, policy } of first.tenants) {
    const compiled = Policy.fromJson(policy);
    const { body } = await first.call(`/api/tenants/${tenant}/users`);
    const statuses = body.users.map((u) => compiled.accountStatus(u.account, first.clock.now));
    assert.deepEqual(new Set(statuses.map((s) => s.status)),
      new Set(["pending-invite", "invited", "expired-invitation", "enabled", "disabled", "sso-only"]), tenant);
    assert.ok(statuses.some((s) => s.tenantStatus === "disabled"), `${tenant}: a tenant-disabled user`);
    assert.ok(statuses.some((s) => s.status === "invited" && s.expiresAt - first.clock.now <= 10 * 60_000),
      `${tenant}: an invitation about to expire`);
  }
  assert.equal((await first.call("/api/tenants/acme/users/ann/roles", first.json("PUT", { roles: ["User", "ReportViewer"] }))).status, 200);
  assert.deepEqual(JSON.parse(readFileSync(first.storeFile, "utf8")).tenants.acme.users.find((u) => u.id === "ann").roles,
    ["User", "ReportViewer"]);
  await first.close();

  const second = await origin(t, { dataDir });
  assert.deepEqual((await second.call("/api/tenants/acme/users/ann")).body.roles, ["User", "ReportViewer"]);
});

test("an invitation link works once, and only the newest one", async (t) => {
  const o = await origin(t);
  const send = async () => (await o.call("/api/tenants/acme/users/pete/invitation", { method: "POST" })).body;
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
  const { link } = (await o.call("/api/tenants/globex/users/pat/invitation", { method: "POST" })).body;
  o.clock.now += 24 * HOUR + 1000;
  const res = await o.call(link);
  assert.equal(res.status, 410);
  assert.equal(res.body.code, "invitation_expired");
  const [head, body, sig] = link.split(".");
  const forged = await o.call([head, body, (sig[0] === "A" ? "B" : "A") + sig.slice(1)].join("."));
  assert.equal(forged.status, 400);
});

test("DEMO token endpoint signs the stored roles of an active user only", async (t) => {
  const o = await origin(t);
  const { body } = await o.call("/demo/token?tenant=acme&user=uma");
  const claims = new Keyring(o.keys.authKeys).verifyActor(body.token, o.clock.now);
  assert.deepEqual([claims.sub, claims.tenant, claims.roles], ["uma", "acme", ["UserManager", "User"]]);
  assert.equal((await o.call("/demo/token?tenant=acme&user=dan")).body.code, "account_inactive");
  assert.equal((await o.call("/demo/token?tenant=acme&user=nobody")).status, 404);
});

test("serves the console and the package, nothing else", async (t) => {
  const o = await origin(t);
  for (const [path, type] of [["/", "text/html"], ["/app.js", "text/javascript"], ["/ui/dom.js", "text/javascript"],
    ["/style.css", "text/css"], ["/pkg/index.js", "text/javascript"], ["/pkg/rolegate.js", "text/javascript"],
    ["/pkg/rolegate_bg.wasm", "application/wasm"]]) {
    const res = await fetch(o.url + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type"), new RegExp(type), path);
  }
  for (const path of ["/demo/origin.js", "/package.json", "/pkg/package.json", "/ui/%2e%2e%2fdemo%2fkeys.js",
    "/%2e%2e/www/app.js", "/.data/keys.json", "/test/origin.test.js"]) {
    assert.equal((await fetch(o.url + path)).status, 404, path);
  }
  const keys = readFileSync(join(o.dataDir, "keys.json"), "utf8");
  const all = await (await fetch(o.url + "/demo/policies")).text();
  assert.ok(!all.includes(JSON.parse(keys).inviteKey), "no secret in a response");
});
