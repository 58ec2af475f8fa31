#!/usr/bin/env node
// rolegate's command line (`npx rolegate ...`): check, test, diff and who-can on policy files, for terminals
// and CI pipelines. Exit 0: fine; 1: errors in the policy, a failing case (or, asked for, a new escalation);
// 2: bad input (a missing file, text that is not JSON, wrong arguments), said in one line, never a stack trace.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Policy, parseJson } from "./node.js";
import { BadInput, runCases } from "./cli-cases.js";

const HELP = `rolegate: check, test and compare user-administration policies

Usage:
  rolegate check <policy.json> [--json]
  rolegate test <policy.json> <cases.json> [--json]
  rolegate diff <before.json> <after.json> [--users <users.json>] [--json] [--fail-on-escalation]
  rolegate who-can <policy.json> <feature> <level> [--json]

Run "rolegate <command> --help" for one command. Exit status: 0 fine, 1 policy errors or failed cases,
2 bad input (missing file, not JSON, wrong arguments).
`;

const COMMANDS = {
  check: {
    args: ["policy.json"],
    flags: {},
    help: `rolegate check <policy.json> [--json]

Validates a policy and prints every error and warning with its JSON path, line:column and code, the line
quoted with a caret under the place. Exit 1 when the policy has errors (warnings alone exit 0).
  --json   the result as JSON: { file, valid, errors, warnings }
`,
    run: check,
  },
  test: {
    args: ["policy.json", "cases.json"],
    flags: {},
    help: `rolegate test <policy.json> <cases.json> [--json]

Runs a file of expected decisions against the policy and prints a pass/fail table. Exit 1 on a failure.
The file: { "allows": [...], "grants": [...], "status": [...] }, each case with a "name":
  allows: { roles, feature, level, expect: true | false }
  grants: { check?: "grant" | "add" | "roles" | "remove" | "disable" | "enable" | "invite" (default "grant": a
            new user's roles without a target, the target's with one), actor: { id, roles }, target?: { id, roles } | null,
            roles?: [...] (grant), others?: [{ id, roles }, ...] | count (the tenant's other enabled users),
            expect: "allowed" | "refused",
            reasons?: [code | { code, role?, feature?, needed?, held? }, ...] (every reason, in order) }
  status: { record?: {...} (default: a new account), steps?: [{ do: "invite" | "accept" | "disable" |
            "enable" | "disableTenant" | "enableTenant", at, refused?: code }], at, expect: status,
            expiresAt?, tenantStatus?, canAccessTenant? }   (times: ISO 8601 text or epoch ms)
  --json   the results as JSON
`,
    run: test,
  },
  diff: {
    args: ["before.json", "after.json"],
    flags: { users: { type: "string" }, "fail-on-escalation": { type: "boolean" } },
    help: `rolegate diff <before.json> <after.json> [--users <users.json>] [--json] [--fail-on-escalation]

The impact of replacing one policy with another: new escalation paths first, delegation edges added or
removed, access raised or lowered per role, roles, features, levels, ranks and settings changed; with
--users (a JSON array of { id, roles }, or { "users": [...] }), every user's gains and losses by feature.
  --json                 the diff as JSON: { changes, users }
  --fail-on-escalation   exit 1 when the change adds an escalation path
`,
    run: diff,
  },
  "who-can": {
    args: ["policy.json", "feature", "level"],
    flags: {},
    help: `rolegate who-can <policy.json> <feature> <level> [--json]

The roles whose effective access (with includes) reaches the level, each with the chain of includes that
gives it.
  --json   the answer as JSON: [{ role, level, via }]
`,
    run: whoCan,
  },
};

const out = (text) => process.stdout.write(text);

/** Runs one command line; returns the exit status. */
function main(argv) {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) throw new BadInput("no command given (rolegate --help lists them)");
    if (name === "--help" || name === "-h" || name === "help") {
      out(HELP);
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : null;
    if (!command) throw new BadInput(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(", ")})`);
    const { values, positionals } = parse(name, rest, command.flags);
    if (values.help) {
      out(command.help);
      return 0;
    }
    if (positionals.length !== command.args.length) {
      throw new BadInput(`${name} takes ${command.args.map((a) => `<${a}>`).join(" ")}, got ${positionals.length} argument${positionals.length === 1 ? "" : "s"} (see rolegate ${name} --help)`);
    }
    return command.run(positionals, values);
  } catch (e) {
    const message = e instanceof BadInput ? e.message : `internal error: ${e?.message ?? e}`;
    process.stderr.write(`rolegate: ${message.split("\n")[0]}\n`);
    return 2;
  }
}

function parse(name, args, flags) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true,
      options: { ...flags, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (e) {
    throw new BadInput(`${name}: ${e.message.split("\n")[0].replace(/\. To specify a positional.*$/, "")} (see rolegate ${name} --help)`);
  }
}

/** A file's text, or bad input naming it. */
function read(file) {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const why = { ENOENT: "no such file", EISDIR: "is a directory", EACCES: "permission denied" }[e.code] ?? e.code ?? e.message;
    throw new BadInput(`cannot read ${file}: ${why}`);
  }
}

/** JSON text read the way the core reads every document (a member named twice is refused). */
function readJson(file) {
  const text = read(file);
  try {
    return parseJson(text);
  } catch (e) {
    throw new BadInput(`${file}: ${e.code === "duplicate_member" ? `${e.path}: appears more than once in its object` : notJson(e.message)}`);
  }
}

const notJson = (message) => message.replace(/^not valid JSON: /, "not JSON: ");

/** `{ policy }` or `{ errors }` for a policy file; text that is not JSON is bad input. */
function compile(file) {
  const text = read(file);
  try {
    return { text, policy: Policy.fromJson(text) };
  } catch (e) {
    const first = e.errors?.[0];
    if (first?.code === "invalid_json") {
      throw new BadInput(`${file}:${first.line ?? 1}:${first.column ?? 1}: ${notJson(first.message).replace(/ at line \d+ column \d+$/, "")}`);
    }
    if (!e.errors) throw e;
    return { text, errors: e.errors };
  }
}

/** A policy other commands can use: one with errors is bad input for them (check says what is wrong). */
function usable(file) {
  const { policy, errors } = compile(file);
  if (policy) return policy;
  const [first] = errors;
  const where = first.line ? `${file}:${first.line}:${first.column}` : file;
  throw new BadInput(`${where}: invalid policy (${errors.length} error${errors.length === 1 ? "" : "s"}), first: ${first.path ? `${first.path}: ` : ""}${first.message} (see rolegate check ${file})`);
}

function check([file], flags) {
  const { text, policy, errors = [] } = compile(file);
  const warnings = policy ? policy.warnings() : [];
  if (flags.json) {
    out(`${JSON.stringify({ file, valid: !!policy, errors, warnings }, null, 2)}\n`);
  } else {
    const lines = text.split(/\r?\n/);
    for (const [kind, issue] of [...errors.map((i) => ["error", i]), ...warnings.map((i) => ["warning", i])]) {
      out(snippet(kind, issue, file, lines));
    }
    const counts = `${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`;
    out(policy
      ? `${file}: valid policy (${plural(policy.roles().length, "role")}, ${plural(policy.features().length, "feature")}, grant rule "${policy.grantRule}"), ${counts}\n`
      : `${file}: invalid policy, ${counts}\n`);
  }
  policy?.free();
  return errors.length ? 1 : 0;
}

/** One issue the way rustc and miette show them: code, message, place, the line and a caret under the spot. */
function snippet(kind, { path, code, message, line, column }, file, lines) {
  const place = line ? `${file}:${line}:${column}` : file;
  let text = `${kind}[${code}]: ${message}\n  --> ${place}${path ? ` at ${path}` : ""}\n`;
  const source = line ? lines[line - 1] : undefined;
  if (source !== undefined) {
    const gutter = " ".repeat(String(line).length);
    // The caret keeps the line's tabs, so it lands under the same character.
    const pad = [...source].slice(0, column - 1).map((c) => (c === "\t" ? "\t" : " ")).join("");
    text += `${gutter} |\n${line} | ${source}\n${gutter} | ${pad}^\n`;
  }
  return `${text}\n`;
}

function test([policyFile, casesFile], flags) {
  const policy = usable(policyFile);
  const results = runCases(policy, readJson(casesFile), casesFile);
  const failed = results.filter((r) => !r.pass).length;
  if (flags.json) {
    out(`${JSON.stringify({ policy: policyFile, cases: casesFile, passed: results.length - failed, failed, results }, null, 2)}\n`);
  } else {
    const width = Math.max(...results.map((r) => r.kind.length), 4);
    for (const r of results) {
      out(`${r.pass ? "pass" : "FAIL"}  ${r.kind.padEnd(width)}  ${r.name}${r.pass ? "" : `\n        ${r.why}`}\n`);
    }
    out(`${results.length - failed} passed, ${failed} failed (${casesFile} against ${policyFile})\n`);
  }
  policy.free();
  return failed ? 1 : 0;
}

const SIGN = { escalation_added: "!", delegation_added: "+", access_raised: "+", role_added: "+", feature_added: "+",
  setting_changed: "~", rank_changed: "~", levels_changed: "~", escalation_removed: "-", delegation_removed: "-",
  access_lowered: "-", role_removed: "-", feature_removed: "-" };

function diff([beforeFile, afterFile], flags) {
  const before = usable(beforeFile);
  const after = usable(afterFile);
  let users = [];
  if (flags.users !== undefined) {
    const doc = readJson(flags.users);
    users = Array.isArray(doc) ? doc : doc?.users;
    if (!Array.isArray(users)) throw new BadInput(`${flags.users}: expected an array of { id, roles } (or { "users": [...] })`);
  }
  let result;
  try {
    result = Policy.diff(before, after, users);
  } catch (e) {
    if (!e.code) throw e;
    throw new BadInput(e.code === "invalid_request" || e.code === "unknown_role" ? `${flags.users}: ${e.message}` : `diff: ${e.message}`);
  }
  if (flags.json) {
    out(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const affected = new Set(result.users.map((u) => u.id)).size;
    out(`${beforeFile} -> ${afterFile}: ${plural(result.changes.length, "change")}`
      + `${flags.users !== undefined ? `, ${plural(affected, "user")} whose access changes` : ""}\n`);
    const width = Math.max(0, ...result.changes.map((c) => c.code.length));
    for (const c of result.changes) out(`  ${SIGN[c.code] ?? "~"} ${c.code.padEnd(width)}  ${after.describe(c)}\n`);
    if (result.users.length) {
      out("users:\n");
      const idWidth = Math.max(...result.users.map((u) => u.id.length));
      for (const u of result.users) {
        out(`  ${u.code === "user_gains" ? "+" : "-"} ${u.id.padEnd(idWidth)}  ${after.describe(u)}  (${u.code})\n`);
      }
    }
  }
  before.free();
  after.free();
  return flags["fail-on-escalation"] && result.changes.some((c) => c.code === "escalation_added") ? 1 : 0;
}

function whoCan([file, feature, level], flags) {
  const policy = usable(file);
  let reach;
  // The first level is no access: no grant gives it, every role has it.
  const none = policy.features().find((f) => f.name === feature)?.levels[0] === level;
  try {
    reach = policy.whoCan(feature, level);
  } catch (e) {
    throw new BadInput(`who-can: ${e.message}`);
  } finally {
    policy.free();
  }
  if (flags.json) {
    out(`${JSON.stringify(reach, null, 2)}\n`);
    return 0;
  }
  out(`${plural(reach.length, "role")} reach ${feature} '${level}' in ${file}${reach.length ? ":" : "."}\n`);
  const width = Math.max(0, ...reach.map((r) => r.role.length));
  for (const r of reach) {
    out(`  ${r.role.padEnd(width)}  ${r.level}  ${none ? "every role has at least no access" : r.via.length > 1 ? `through ${r.via.join(" -> ")}` : "its own grant"}\n`);
  }
  return 0;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// A reader that stops early (`rolegate check x.json | head`) is not an error, and never a stack trace.
process.stdout.on("error", (e) => process.exit(e.code === "EPIPE" ? process.exitCode : 2));
process.exitCode = main(process.argv.slice(2));
