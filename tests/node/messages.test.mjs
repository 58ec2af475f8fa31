// What JS sees of decisions, policy errors and warnings: the core gives codes with ids and numbers, the JS
// layer names and words them from a message catalog (English built in, German shipped, any other passed in).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Policy, newAccount } from "rolegate";
import en from "rolegate/messages/en.js";
import de from "rolegate/messages/de.js";

const A = readFileSync(new URL("../../examples/product-a.json", import.meta.url), "utf8");
const B = readFileSync(new URL("../../examples/product-b.json", import.meta.url), "utf8");
const uma = { id: "um", roles: ["UserManager", "User"] };

test("a bad policy throws every error with its path, code and message (and line and column for text)", () => {
  const doc = A.replace('"users": "manage", "channels"', '"reprots": "manage", "channels"');
  const fromText = (() => { try { Policy.fromJson(doc); } catch (e) { return e; } })();
  assert.equal(fromText.code, "invalid_policy");
  assert.equal(JSON.stringify(fromText.errors),
    `[{"path":"roles.UserManager.grants.reprots","code":"unknown_feature","message":"'reprots' is not a feature of this policy","line":15,"column":36}]`);
  assert.equal(fromText.message, "invalid policy: roles.UserManager.grants.reprots: 'reprots' is not a feature of this policy");
  // An object has no text of the author's to point into: the path alone.
  assert.throws(() => Policy.fromJson(JSON.parse(doc)), (e) => JSON.stringify(e.errors) ===
    `[{"path":"roles.UserManager.grants.reprots","code":"unknown_feature","message":"'reprots' is not a feature of this policy"}]`);
  assert.throws(() => Policy.fromJson("{}"), (e) => e.message.startsWith("invalid policy (4 errors): version: version is required; ..."));
});

test("decisions are plain objects with every reason, worded for the administrator who acts", () => {
  const p = Policy.fromJson(A);
  assert.equal(JSON.stringify(p.checkGrant({ actor: uma, target: null, roles: ["User", "CustomerAdmin"] })),
    `{"allowed":false,"reasons":[{"code":"role_not_held","message":"only someone who holds 'CustomerAdmin' can grant it, and you do not","role":"CustomerAdmin"}]}`);
  assert.deepEqual(p.checkGrant({ actor: uma, target: null, roles: ["User"] }),
    { allowed: true, reasons: [{ code: "allowed", message: "you hold every role being added" }] });
  // Feature labels from the policy, the actor as "you"; the data members keep the names.
  const covered = Policy.fromJson({ ...JSON.parse(A), grantRule: "covered" });
  assert.deepEqual(covered.checkGrant({ actor: uma, target: null, roles: ["ReportViewer"] }).reasons, [{
    code: "permission_not_held", message: "'ReportViewer' gives Reports: all; you have Reports: own",
    role: "ReportViewer", feature: "reports", needed: "all", held: "own" }]);
  const b = Policy.fromJson(B);
  assert.deepEqual(b.checkGrant({ actor: { id: "s", roles: ["Supervisor"] }, target: null, roles: ["Administrator"] }).reasons, [{
    code: "rank_too_high", message: "'Administrator' (rank 3) is ranked above what you may grant (your rank: 2)",
    role: "Administrator", needed: "3", held: "2" }]);
  assert.deepEqual(p.checkGrant({ actor: uma, target: null, roles: ["Ghost", "Ghost"] }).reasons,
    [{ code: "unknown_role", message: "'Ghost' is not a role of this policy", role: "Ghost" }]);
});

test("unknown role names: the actor's are listed as ignored, a target holding one is refused but to a full administrator", () => {
  const p = Policy.fromJson(A);
  const drift = { id: "x", roles: ["User", "LegacySuper"] };
  assert.equal(JSON.stringify(p.checkRemove({ actor: { id: "um", roles: ["UserManager", "User", "Ghost"] }, target: drift })),
    `{"allowed":false,"reasons":[{"code":"unknown_target_role","message":"this user holds 'LegacySuper', which is not a role of this policy: only a full administrator may act on them","role":"LegacySuper"}],"ignored":["Ghost"]}`);
  const cleaned = p.checkRemove({ actor: { id: "ca", roles: ["CustomerAdmin"] }, target: drift });
  assert.equal(cleaned.allowed, true);
  assert.equal("ignored" in cleaned, false, "ignored is left out when empty");
});

test("effective and explain keep policy order", () => {
  const p = Policy.fromJson(A);
  const eff = p.effective(["User", "ReportViewer"]);
  assert.deepEqual(Object.keys(eff), ["customer360", "interactions", "reports", "users", "channels", "orgSettings", "channelSettings"]);
  assert.equal(eff.reports, "all");
  assert.deepEqual(p.explain(["User", "ReportViewer"]).reports, { level: "all", roles: ["ReportViewer"] });
  assert.deepEqual(Object.keys(p.explain(["User"])), Object.keys(eff));
});

test("another catalog words everything in its language; every code, path and member stays the same", () => {
  const p = Policy.fromJson(A, { messages: de });
  const d = p.checkGrant({ actor: uma, target: null, roles: ["User", "CustomerAdmin"] });
  assert.deepEqual(d, { allowed: false, reasons: [{ code: "role_not_held",
    message: "nur wer 'CustomerAdmin' hat, kann diese Rolle vergeben, und Sie haben sie nicht", role: "CustomerAdmin" }] });
  assert.equal(p.checkGrant({ actor: uma, target: null, roles: ["User"] }).reasons[0].message, "Sie haben jede Rolle, die hinzugefügt wird");
  assert.throws(() => Policy.fromJson("{", { messages: de }), (e) => e.code === "invalid_policy" && e.errors[0].code === "invalid_json"
    && e.errors[0].message.startsWith("kein gültiges JSON: ") && e.message.startsWith("ungültige Richtlinie: "));
  // A catalog without a key falls back to English for it.
  const partial = Policy.fromJson(A, { messages: { self_remove: "nope" } });
  assert.equal(partial.checkRemove({ actor: uma, target: uma }).reasons[0].message, "nope");
  assert.equal(partial.checkGrant({ actor: uma, target: null, roles: ["User"] }).reasons[0].message, en["allowed.held_roles"]);
  assert.throws(() => Policy.fromJson(A, { messages: "de" }), (e) => e.code === "invalid_request" && e.path === "options.messages");
});

test("warnings are worded too, and computed when asked for", () => {
  const doc = JSON.parse(A);
  doc.roles.Nobody = {};
  assert.deepEqual(Policy.fromJson(doc).warnings(), [{ path: "roles.Nobody", code: "empty_role", message: "role 'Nobody' grants nothing" }]);
  assert.deepEqual(Policy.fromJson(doc, { messages: de }).warnings()[0].message, "die Rolle 'Nobody' gewährt nichts");
});

test("one mapping of user-administration actions to checks", () => {
  const p = Policy.fromJson(A);
  const plain = { id: "plain", roles: ["User"] };
  const request = { actor: uma, target: plain, roles: ["User", "UserManager"] };
  assert.deepEqual(p.check("add", request), p.checkGrant({ actor: uma, target: null, roles: request.roles }));
  assert.deepEqual(p.check("roles", request), p.checkGrant(request));
  for (const action of ["remove", "disable", "enable"]) assert.deepEqual(p.check(action, request), p.checkRemove({ actor: uma, target: plain }));
  assert.deepEqual(p.check("invite", request), p.checkInvite({ actor: uma, target: plain }));
  assert.throws(() => p.check("roles", { actor: uma, roles: ["User"] }), (e) => e.code === "invalid_request" && e.path === "target");
  assert.throws(() => p.check("promote", request), (e) => e.code === "invalid_request" && e.path === "action");
});

test("the wording of a policy change and of a new account live in the package", () => {
  const before = Policy.fromJson(B);
  const doc = JSON.parse(B);
  doc.roles.Agent.grants.settings = "manage";
  const after = Policy.fromJson(doc);
  const diff = Policy.diff(before, after, [{ id: "arjun", roles: ["Agent"] }]);
  assert.deepEqual(diff.changes.map((c) => after.describe(c)), [
    "Supervisor may grant Agent, which gives settings “manage” above the “view” Supervisor holds",
    "Agent settings: none → manage"]);
  assert.equal(after.describe(diff.users[0]), "settings: none → manage");
  assert.equal(Policy.fromJson(doc, { messages: de }).describe(diff.changes[0]),
    "Supervisor darf Agent vergeben, das settings 'manage' gewährt, mehr als das 'view' von Supervisor");
  assert.deepEqual(newAccount(), { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null });
  assert.notEqual(newAccount(), newAccount(), "a new object each time");
});

test("the last administrator stays, with its own code; takesUserAdmin says when the tenant's users matter", () => {
  const p = Policy.fromJson(A);
  const operator = { id: "op", roles: ["CustomerAdmin"] };
  const rita = { id: "rita", roles: ["ReportViewer", "User"] };
  assert.deepEqual(p.check("remove", { actor: operator, target: uma, others: [rita] }).reasons, [{ code: "last_admin",
    message: "the tenant would have no enabled user left with Users: manage, who administers users", feature: "users", needed: "manage" }]);
  assert.equal(p.check("disable", { actor: operator, target: uma, others: 0 }).reasons[0].code, "last_admin");
  assert.equal(p.check("roles", { actor: operator, target: uma, roles: ["User"], others: [rita] }).reasons[0].code, "last_admin");
  assert.equal(p.check("enable", { actor: operator, target: uma, others: 0 }).allowed, true, "enabling takes nothing away");
  assert.equal(p.check("remove", { actor: operator, target: uma, others: [rita, { id: "ann", roles: ["UserManager"] }] }).allowed, true);
  assert.equal(p.check("remove", { actor: operator, target: uma }).allowed, true, "no others, no rule");
  assert.deepEqual(["roles", "remove", "disable", "enable", "invite", "add"].map((a) => p.takesUserAdmin(a, { target: uma, roles: ["User"] })),
    [true, true, true, false, false, false]);
  assert.equal(p.takesUserAdmin("roles", { target: uma, roles: ["UserManager"] }), false);
  assert.equal(p.takesUserAdmin("remove", { target: rita }), false);
  assert.equal(p.takesUserAdmin("remove", { target: null }), false);
  assert.throws(() => p.checkRemove({ actor: operator, target: uma, others: [{ id: "x", roles: [1] }] }),
    (e) => e.code === "invalid_request" && e.path === "others[0].roles[0]");
});

test("rough edges: whole numbers however written, every error beside a repeated member, invitations to the millisecond", () => {
  const doc = A.replace('"version": 1', '"version": 1.0');
  assert.equal(Policy.fromJson(doc).grantRule, "held");
  const twice = A.replace('"version": 1,', '"version": 1, "version": 1,').replace('"24h"', '"1 day"');
  assert.throws(() => Policy.fromJson(twice), (e) => JSON.stringify(e.errors.map((i) => [i.path, i.code])) ===
    JSON.stringify([["version", "duplicate_member"], ["invitationTtl", "invalid_duration"]]));
  const p = Policy.fromJson(A);
  const sent = Date.parse("2026-11-22T09:00:00.830Z");
  const invited = p.invite(newAccount(), sent);
  assert.equal(invited.invitedAt, sent);
  assert.equal(p.accountStatus(invited, sent + p.invitationTtlMs).status, "invited");
  assert.equal(p.accountStatus(invited, sent + p.invitationTtlMs + 1).status, "expired-invitation");
  const b = Policy.fromJson(B);
  assert.throws(() => Policy.diff(b, b, [{ id: "gus", roles: ["Agent", "Gohst"] }]),
    (e) => e.code === "unknown_role" && e.path === "users[0].roles[1]");
});
