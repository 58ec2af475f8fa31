// Imports the built package by name (node entry through the exports map) and walks the main calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import init, { Policy, Keyring } from "rolegate";

const doc = (name) => readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), "utf8");
const A = Policy.fromJson(doc("product-a"));

test("the node entry is ready at import; init() is a harmless no-op", async () => {
  await init();
  assert.equal(A.grantRule, "held");
});

test("a user manager may only grant roles he holds", () => {
  const actor = { id: "um", roles: ["UserManager", "User"] };
  assert.deepEqual(A.grantableRoles(actor), ["User", "UserManager"]);
  const d = A.checkGrant({ actor, target: null, roles: ["ReportViewer"] });
  assert.equal(d.allowed, false);
  assert.deepEqual(d.reasons.map((r) => [r.code, r.role]), [["role_not_held", "ReportViewer"]]);
});

test("errors are Errors with stable codes and paths", () => {
  assert.throws(() => Policy.fromJson("{}"), (e) => e instanceof Error && e.code === "invalid_policy" && e.errors.length === 4);
  assert.throws(() => A.checkGrant({ actor: { id: "x", roles: [1] }, roles: [] }),
    (e) => e.code === "invalid_request" && e.path === "actor.roles[0]");
});

test("the fast path and the by-name API agree", () => {
  const set = A.compileRoles(["User", "ReportViewer"]);
  assert.equal(set.allows(A.featureId("reports"), A.levelId("reports", "all")), A.allows(["User", "ReportViewer"], "reports", "all"));
  set.free();
});

test("only the policy's policyAdmin edits it: organization settings at manage in product A", () => {
  assert.equal(A.mayEditPolicy(["CustomerAdmin"]), true);
  assert.equal(A.mayEditPolicy(["UserManager", "User", "ReportViewer"]), false, "user administration is not policy administration");
  assert.equal(A.mayEditPolicy(["CustomerAdmin", "Ghost"]), true, "an unknown name grants nothing and takes nothing");
  assert.throws(() => A.mayEditPolicy("CustomerAdmin"), (e) => e.code === "invalid_request" && e.path === "roles");
});

test("an invitation expires one millisecond after its window", () => {
  const rec = A.invite({ platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null }, 0);
  assert.equal(A.accountStatus(rec, A.invitationTtlMs).status, "invited");
  assert.equal(A.accountStatus(rec, A.invitationTtlMs + 1).status, "expired-invitation");
});

test("tokens round-trip and refuse tampering", () => {
  const ring = new Keyring({ k1: "0123456789abcdef0123456789abcdef" });
  const t = ring.signActor({ sub: "u1", tenant: "acme", roles: ["User"], exp: 2e9 });
  assert.equal(ring.verifyActor(t, 1.9e12).sub, "u1");
  assert.throws(() => ring.verifyActor(t.slice(0, -2) + "AA", 1.9e12), (e) => e.code === "invalid_token" && e.reason === "bad_signature");
});

test("analysis: who can, the delegation graph, and the impact of a change with its users", () => {
  assert.deepEqual(A.whoCan("users", "manage").map((r) => r.role), ["UserManager", "CustomerAdmin"]);
  assert.deepEqual(A.delegation().grants.find((g) => g.granter === "UserManager").roles, ["UserManager"]);
  const draft = JSON.parse(doc("product-a"));
  draft.roles.UserManager.includes = ["ReportViewer"];
  const d = Policy.diff(A, Policy.fromJson(draft), [{ id: "uma", roles: ["UserManager", "User"] }]);
  assert.deepEqual(d.changes.map((c) => c.code), ["delegation_added", "access_raised"]);
  assert.deepEqual(d.users, [{ id: "uma", code: "user_gains", feature: "reports", from: "own", to: "all" }]);
  assert.throws(() => Policy.fromJson(doc("product-a").replace('"users": "manage"', '"users": "root"')),
    (e) => e.errors[0].path === "roles.UserManager.grants.users" && e.errors[0].line === 15 && e.errors[0].column === 36);
});

test("the exports map names every runtime's entry", () => {
  const pkg = JSON.parse(readFileSync(new URL("./node_modules/rolegate/package.json", import.meta.url), "utf8"));
  assert.deepEqual(Object.keys(pkg.exports["."]), ["types", "workerd", "browser", "node", "import", "default"]);
  // The public declarations (the package's own, not wasm-bindgen's export table) never fall back to `any`.
  const types = (name) => readFileSync(new URL(`./node_modules/rolegate/${name}`, import.meta.url), "utf8");
  const api = ["types.d.ts", "index.d.ts", "browser.d.ts"].map(types).join("\n");
  assert.match(api, /checkGrant\(request: GrantRequest\): Decision;/);
  assert.doesNotMatch(api.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""), /\bany\b/);
  // Each build its own declarations: the browser's declare no Keyring.
  assert.match(types("index.d.ts"), /export declare class Keyring/);
  assert.doesNotMatch(types("browser.d.ts") + types("types.d.ts"), /Keyring/);
  assert.deepEqual(pkg.exports["."].types, { workerd: "./index.d.ts", browser: "./browser.d.ts", node: "./index.d.ts",
    import: "./browser.d.ts", default: "./browser.d.ts" });
});
