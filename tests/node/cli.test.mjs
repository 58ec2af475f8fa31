// The `rolegate` command as a user runs it: the package's bin, linked by npm into node_modules/.bin, run as
// a process on real files; output and exit status checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Policy } from "rolegate";

const BIN = fileURLToPath(new URL("./node_modules/.bin/rolegate", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const A = join(EXAMPLES, "product-a.json");
const B = join(EXAMPLES, "product-b.json");
const dir = mkdtempSync(join(tmpdir(), "rolegate-cli-"));

/** Runs the bin in `dir` (so file names print short): `{ status, stdout, stderr }`. */
function rolegate(...args) {
  const r = spawnSync(BIN, args, { cwd: dir, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `name` in `dir` (objects as pretty JSON) and returns its name. */
function file(name, content) {
  writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return name;
}

const example = (path) => JSON.parse(readFileSync(path, "utf8"));

test("every command has --help, and the bare command lists them", () => {
  for (const command of ["check", "test", "diff", "who-can"]) {
    const r = rolegate(command, "--help");
    assert.equal(r.status, 0, command);
    assert.ok(r.stdout.startsWith(`rolegate ${command} <`), r.stdout);
  }
  const r = rolegate("--help");
  assert.equal(r.status, 0);
  assert.match(r.stdout, /rolegate check <policy\.json>/);
});

test("check: a valid policy exits 0 and says what it holds", () => {
  const r = rolegate("check", A);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${A}: valid policy (4 roles, 7 features, grant rule "held"), 0 errors, 0 warnings\n`);
});

test("check: every error with path, line:column, code and a caret under the place; exit 1", () => {
  const text = readFileSync(A, "utf8").replace('{ "users": "manage"', '{ "reprots": "manage"').replace('"24h"', '"1 day"');
  const r = rolegate("check", file("bad.json", text));
  assert.equal(r.status, 1);
  const lines = r.stdout.split("\n");
  const at = lines.indexOf("error[unknown_feature]: 'reprots' is not a feature of this policy");
  assert.ok(at >= 0, r.stdout);
  assert.equal(lines[at + 1], "  --> bad.json:15:36 at roles.UserManager.grants.reprots");
  assert.equal(lines[at + 3], `15 | ${text.split("\n")[14]}`);
  assert.equal(lines[at + 4].indexOf("^") - "   | ".length, 35, "the caret sits under column 36");
  assert.ok(lines.includes("  --> bad.json:21:3 at invitationTtl"), r.stdout);
  assert.match(r.stdout, /error\[invalid_duration\]/);
  assert.match(r.stdout, /bad\.json: invalid policy, 2 errors, 0 warnings\n$/);
  const json = JSON.parse(rolegate("check", "bad.json", "--json").stdout);
  assert.deepEqual(json.errors.map((e) => [e.path, e.code, e.line, e.column]),
    [["roles.UserManager.grants.reprots", "unknown_feature", 15, 36], ["invitationTtl", "invalid_duration", 21, 3]]);
});

test("check: warnings alone exit 0, located too", () => {
  const doc = example(A);
  doc.roles.Nobody = {};
  const r = rolegate("check", file("warn.json", doc));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /warning\[empty_role\]: role 'Nobody' grants nothing\n {2}--> warn\.json:\d+:5 at roles\.Nobody/);
  assert.match(r.stdout, /0 errors, 1 warning\n$/);
});

test("test: the shipped cases of both example policies pass, every seed rule", () => {
  for (const [policy, cases, count] of [[A, "product-a.cases.json", 42], [B, "product-b.cases.json", 31]]) {
    const r = rolegate("test", policy, join(EXAMPLES, cases));
    assert.equal(r.status, 0, r.stdout);
    assert.ok(r.stdout.endsWith(`${count} passed, 0 failed (${join(EXAMPLES, cases)} against ${policy})\n`), r.stdout);
    assert.doesNotMatch(r.stdout, /FAIL/);
  }
});

test("test: a failing case is a FAIL row with the reason, and exit 1", () => {
  const cases = example(join(EXAMPLES, "product-a.cases.json"));
  cases.grants[5].reasons = ["role_not_held"];
  cases.allows[0].expect = false;
  cases.status[1].expect = "enabled";
  const r = rolegate("test", A, file("wrong.cases.json", cases), "--json");
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.failed, 3);
  assert.deepEqual(out.results.filter((x) => !x.pass).map((x) => x.kind), ["allows", "grants", "status"]);
  const table = rolegate("test", A, "wrong.cases.json").stdout;
  assert.match(table, /^FAIL {2}grants {2}a user manager may only grant roles he already holds\n {8}expected reasons \["role_not_held"\], got \[\{"code":"role_not_held","role":"ReportViewer"\},/m);
  assert.match(table, /^FAIL {2}status {2}an invitation is valid for 24 hours, to the millisecond\n {8}expected status "enabled", got "invited"$/m);
  assert.match(table, /39 passed, 3 failed/);
});

test("diff: a new escalation path first, then access, then the users who gain; --json is Policy.diff", () => {
  const after = example(B);
  after.roles.Agent.grants.settings = "manage";
  file("b-after.json", after);
  file("users.json", { users: [{ id: "sue", roles: ["Supervisor"] }, { id: "arjun", roles: ["Agent"], name: "Arjun" }] });
  const r = rolegate("diff", B, "b-after.json", "--users", "users.json");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    `${B} -> b-after.json: 2 changes, 1 user whose access changes`,
    "  ! escalation_added  Supervisor may grant Agent, which gives settings “manage” above the “view” Supervisor holds",
    "  + access_raised     Agent settings: none → manage",
    "users:",
    "  + arjun  settings: none → manage  (user_gains)",
    ""].join("\n"));
  assert.equal(rolegate("diff", B, "b-after.json", "--fail-on-escalation").status, 1);
  assert.equal(rolegate("diff", "b-after.json", B, "--fail-on-escalation").status, 0, "removing one is fine");
  const json = JSON.parse(rolegate("diff", B, "b-after.json", "--users", "users.json", "--json").stdout);
  const expected = Policy.diff(Policy.fromJson(readFileSync(B, "utf8")), Policy.fromJson(after),
    [{ id: "sue", roles: ["Supervisor"] }, { id: "arjun", roles: ["Agent"] }]);
  assert.deepEqual(json, expected);
  assert.equal(rolegate("diff", A, A).stdout, `${A} -> ${A}: 0 changes\n`);
});

test("who-can: each role reaching the level, with the chain of includes", () => {
  const doc = example(A);
  doc.roles.Lead = { includes: ["UserManager"] };
  const r = rolegate("who-can", file("lead.json", doc), "users", "manage");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    "3 roles reach users 'manage' in lead.json:",
    "  UserManager    manage  its own grant",
    "  CustomerAdmin  manage  its own grant",
    "  Lead           manage  through Lead -> UserManager",
    ""].join("\n"));
  assert.deepEqual(JSON.parse(rolegate("who-can", "lead.json", "users", "manage", "--json").stdout)[2],
    { role: "Lead", level: "manage", via: ["Lead", "UserManager"] });
});

test("who-can the no-access level: every role has it, by no grant", () => {
  const r = rolegate("who-can", B, "settings", "none");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    "3 roles reach settings 'none' in " + B + ":",
    "  Agent          none  every role has at least no access",
    "  Supervisor     view  every role has at least no access",
    "  Administrator  manage  every role has at least no access",
    ""].join("\n"));
});

test("bad input: one line on stderr, nothing on stdout, exit 2, never a stack trace", () => {
  file("not.json", "{\n  \"version\": 1,\n  \"features\": nope\n}");
  file("twice.json", '{"allows":[],"allows":[]}');
  file("list.json", { users: {} });
  file("malformed.cases.json", { grants: [{ name: "x", actor: { id: "a", roles: [7] }, roles: [], expect: "allowed" }] });
  file("unknown.cases.json", { allow: [] });
  file("empty.cases.json", { allows: [], grants: [] });
  file("typo.cases.json", { grants: [{ name: "a typo refuses for the wrong reason", actor: { id: "s", roles: ["Supervsior"] },
    roles: ["Agent"], expect: "refused" }] });
  file("typo-allows.cases.json", { allows: [{ name: "x", roles: ["Agnet"], feature: "reports", level: "own", expect: false }] });
  file("ghosts.json", [{ id: "sue", roles: ["Supervisor"] }, { id: "gus", roles: ["Agent", "Gohst"] }]);
  const cases = [
    [["check", "missing.json"], "rolegate: cannot read missing.json: no such file"],
    [["check", "not.json"], "rolegate: not.json:3:16: not JSON: expected ident"],
    [["check"], "rolegate: check takes <policy.json>, got 0 arguments (see rolegate check --help)"],
    [["who-can", A, "users"], "rolegate: who-can takes <policy.json> <feature> <level>, got 2 arguments (see rolegate who-can --help)"],
    [["who-can", A, "users", "root"], "rolegate: who-can: 'root' is not a level of feature 'users'"],
    [["check", A, "--strict"], "rolegate: check: Unknown option '--strict' (see rolegate check --help)"],
    [["frobnicate"], "rolegate: unknown command 'frobnicate' (commands: check, test, diff, who-can)"],
    [[], "rolegate: no command given (rolegate --help lists them)"],
    [["diff", A, "not.json"], "rolegate: not.json:3:16: not JSON: expected ident"],
    [["diff", A, A, "--users", "list.json"], 'rolegate: list.json: expected an array of { id, roles } (or { "users": [...] })'],
    [["diff", A, A, "--users"], "rolegate: diff: Option '--users <value>' argument missing (see rolegate diff --help)"],
    [["test", A, "twice.json"], "rolegate: twice.json: allows: appears more than once in its object"],
    [["test", A, "malformed.cases.json"], "rolegate: malformed.cases.json: grants[0].actor.roles[0]: expected a string"],
    [["test", A, "unknown.cases.json"], "rolegate: unknown.cases.json: allow: unknown member (expected one of: allows, grants, status)"],
    [["test", A, "empty.cases.json"], "rolegate: empty.cases.json: no cases (allows, grants and status are all empty)"],
    [["test", B, "typo.cases.json"], "rolegate: typo.cases.json: grants[0].actor.roles[0]: 'Supervsior' is not a role of the policy"],
    [["test", B, "typo-allows.cases.json"], "rolegate: typo-allows.cases.json: allows[0].roles[0]: 'Agnet' is not a role of the policy"],
    [["diff", B, B, "--users", "ghosts.json"], "rolegate: ghosts.json: users[1].roles[1]: 'Gohst' is a role of neither policy"],
    [["test", "bad.json", join(EXAMPLES, "product-a.cases.json")],
      "rolegate: bad.json:15:36: invalid policy (2 errors), first: roles.UserManager.grants.reprots: 'reprots' is not a feature of this policy (see rolegate check bad.json)"],
  ];
  for (const [args, message] of cases) {
    const r = rolegate(...args);
    assert.deepEqual([r.status, r.stdout, r.stderr], [2, "", `${message}\n`], args.join(" "));
  }
});

test("a reader that stops early (| head) ends the command quietly, no stack trace", () => {
  const r = spawnSync("sh", ["-c", `"${BIN}" test "${A}" "${join(EXAMPLES, "product-a.cases.json")}" | head -1`], { cwd: dir, encoding: "utf8" });
  assert.equal(r.stdout, "pass  allows  a user gets customer 360\n");
  assert.equal(r.stderr, "");
});
