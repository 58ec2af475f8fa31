// Writes the seed inputs of each fuzz target to seeds/<target>/, built from the example policies; `make corpus`
// merges them with what fuzzing found into the committed, minimised corpus/. Tokens are signed here with
// node:crypto (an implementation independent of the core) under the keys of src/lib.rs.
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const here = new URL(".", import.meta.url);
const examples = Object.fromEntries(["a", "b"].map((p) => [p, JSON.parse(readFileSync(new URL(`../examples/product-${p}.json`, here), "utf8"))]));
const KEYS = { k1: "fuzz-key-one-fuzz-key-one-fuzz-key-one", k2: "fuzz-key-two-fuzz-key-two-fuzz-key-two" };
const NOW_S = 1_790_000_000;

const seeds = {};
const add = (target, name, data) => ((seeds[target] ??= {})[name] = typeof data === "string" ? Buffer.from(data) : Buffer.from(data));
const variant = (doc, change) => JSON.stringify({ ...structuredClone(doc), ...change }, null, 1);

// policy_compile: both examples, each grant rule, and the typical mistakes (typo, cycle, bad duration, no rank).
const { a, b } = examples;
add("policy_compile", "product-a", JSON.stringify(a, null, 1));
add("policy_compile", "product-b", JSON.stringify(b, null, 1));
add("policy_compile", "a-covered", variant(a, { grantRule: "covered", protectHigherUsers: false }));
add("policy_compile", "b-strictly-lower", variant(b, { rankOrder: "strictly-lower", invitationTtl: "90m" }));
add("policy_compile", "a-typo", variant(a, { roles: { ...a.roles, User: { grants: { reprots: "own" } } } }));
add("policy_compile", "a-cycle", variant(a, { roles: { ...a.roles, User: { grants: {}, includes: ["CustomerAdmin"] } } }));
add("policy_compile", "a-rank-without-ranks", variant(a, { grantRule: "rank", invitationTtl: "0s" }));
add("policy_compile", "b-warnings", variant(b, { roles: { ...b.roles, Agent: { rank: 1, grants: { settings: "manage" } }, Empty: { rank: 0 } } }));

// requests: every reader's shape over the examples' role names.
const m = (id, roles) => ({ id, roles });
add("requests", "grant-new", JSON.stringify({ actor: m("um", ["UserManager", "User"]), target: null, roles: ["User"] }));
add("requests", "grant-edit", JSON.stringify({ actor: m("s", ["Supervisor"]), target: m("ag", ["Agent"]), roles: ["Supervisor", "Nope"] }));
add("requests", "grant-self", JSON.stringify({ actor: m("me", ["Administrator"]), target: m("me", ["Administrator"]), roles: [] }));
add("requests", "target", JSON.stringify({ actor: m("a", ["CustomerAdmin"]), target: m("u", ["ReportViewer"]) }));
add("requests", "member", JSON.stringify(m("x", ["Agent", "Agent"])));
add("requests", "record", JSON.stringify({ platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1790000000000, acceptedAt: null }));
add("requests", "options", JSON.stringify({ leewaySec: 60, issuer: "https://id.example", audience: "rolegate" }));
add("requests", "keys", JSON.stringify(KEYS));
add("requests", "actor-claims", JSON.stringify({ sub: "u1", tenant: "acme", roles: ["User"], exp: NOW_S + 600, iat: NOW_S, aud: ["x", "rolegate"] }));
add("requests", "invitation-claims", JSON.stringify({ sub: "u1", tenant: "acme", email: "u1@example.com", inv: "i1", iat: NOW_S, purpose: "invitation" }));

// token: mode 0 + a valid token (actor with each key, at+jwt, invitation); mode 1 + tamper input bytes.
const b64 = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");
const sign = (header, claims, kid) => {
  const signed = `${b64(header)}.${b64(claims)}`;
  return `${signed}.${createHmac("sha256", KEYS[kid]).update(signed).digest("base64url")}`;
};
const actor = { sub: "u1", tenant: "acme", roles: ["UserManager", "User"], exp: NOW_S + 600, iat: NOW_S };
const token = (name, t) => add("token", name, Buffer.concat([Buffer.from([0]), Buffer.from(t)]));
token("actor-k1", sign({ alg: "HS256", typ: "JWT", kid: "k1" }, actor, "k1"));
token("actor-k2-at-jwt", sign({ alg: "HS256", typ: "at+jwt", kid: "k2" }, actor, "k2"));
token("actor-alg-none", `${b64({ alg: "none", typ: "JWT", kid: "k1" })}.${b64(actor)}.`);
token("invitation", sign({ alg: "HS256", typ: "invite+jwt", kid: "k1" }, { sub: "u1", tenant: "acme", email: "u1@example.com", inv: "i1", iat: NOW_S, purpose: "invitation" }, "k1"));
add("token", "tamper", [1, 2, 0x75, 0x31, 4, 0x61, 0x63, 0x6d, 0x65, 0, 0x10, 1, 0, 0, 0, 3, 0x41]);

// decisions: selector byte (0-6 the example variants, 7 and up a fuzzed policy) + request bytes.
for (let selector = 0; selector <= 8; selector++) add("decisions", `policy-${selector}`, [selector, 3, 0, 1, 2, 1, 1, 2, 3, 1, 2, 3, 0, 4, 0x47, 0x68, 0x6f, 0x73]);

// account: a few records and step lists (arbitrary's encoding of the input struct).
add("account", "fresh", [0x00, 0x5c, 0x26, 0x05, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0x80, 0x3f, 0x6a, 0x8a, 0x9f, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, 5, 0, 0, 0]);
add("account", "invited", [0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0x80, 0x3f, 0x6a, 0x8a, 0x9f, 0x01, 0, 0, 0, 0, 1, 0, 0, 0]);

rmSync(new URL("seeds", here), { recursive: true, force: true });
for (const [target, files] of Object.entries(seeds)) {
  mkdirSync(new URL(`seeds/${target}`, here), { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(new URL(`seeds/${target}/${name}`, here), data);
}
console.log(Object.entries(seeds).map(([t, f]) => `${t}: ${Object.keys(f).length} seeds`).join(", "));
