// The package's JS layer caches compiled role sets and words the core's answers; these tests hold it to the
// core's own by-name answers: every by-name call through the layer gives exactly what the binding's engine
// gives by name (value, or thrown code, path and message), named and worded here by a reference reading of
// the wire, over the bench workload, hostile arguments, a replaced policy and constant eviction.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Policy } from "rolegate";
import en from "rolegate/messages/en.js";
// The binding's internal engine the layer wraps, loaded by the entry above (the same module instance).
import { Engine, initSync } from "../../pkg/full/rolegate.js";
import { workload } from "../../bench/src/workload.js";

/**
 * The engine's by-name calls with their answers named and worded from the English catalog: a reference for the
 * layer, written from the wire's description (`grant::Reason::words`) rather than from the layer's code.
 */
function reference(doc) {
  const engine = Engine.fromJson(doc);
  const keys = Engine.keys();
  const roles = engine.roles().map((r) => r.name);
  const features = engine.features();
  const say = (key, params) => en[key].replace(/\{(\w+)\}/g, (_, name) => params[name]);
  const NONE = 2 ** 32 - 1;
  const unknownOf = (names = []) => [...new Set(names.filter((r) => !roles.includes(r)))];
  /** The decision for `request` from its words: its names resolved as the wire says, the actor's unknown ones `ignored`. */
  /** A decision's words, read where the engine wrote them: their count first (`js::policy::written`). */
  const read = (address) => {
    const memory = new Uint32Array(Engine.memory().buffer);
    return memory.slice((address >>> 2) + 1, (address >>> 2) + 1 + memory[address >>> 2]);
  };
  const decision = (address, request, unknown = []) => {
    const words = read(address);
    const ignored = unknownOf(request.actor.roles);
    const foreign = unknownOf(request.target?.roles);
    const decided = words[0] !== 0
      ? { allowed: true, reasons: [{ code: "allowed", message: say(keys[words[0]], {}) }] }
      : { allowed: false, reasons: reasons(words, unknown, foreign) };
    return ignored.length ? { ...decided, ignored } : decided;
  };
  const reasons = (words, unknown, foreign) => {
    const out = [];
    for (let i = 1; i < words.length; i += 5) {
      const [kind, role, f, needed, held] = words.slice(i, i + 5);
      const r = { code: keys[kind].split(".")[0], message: "" };
      if (role !== NONE) r.role = role >= 2 ** 31 ? unknown[role - 2 ** 31] : role >= 2 ** 30 ? foreign[role - 2 ** 30] : roles[role];
      if (f !== NONE) {
        r.feature = features[f].name;
        if (needed !== NONE) r.needed = features[f].levels[needed];
        if (held !== NONE) r.held = features[f].levels[held];
      } else if (needed !== NONE) Object.assign(r, { needed: String(needed), held: held === NONE - 1 ? "none" : String(held) });
      r.message = say(keys[kind], { ...r, feature: f === NONE ? undefined : features[f].label });
      out.push(r);
    }
    return out;
  };
  const named = (levels) => Object.fromEntries(features.map((f, i) => [f.name, f.levels[levels[i]]]));
  return {
    allows: (...args) => engine.allows(...args),
    effective: (list) => named(engine.effective(list)),
    explain(list) {
      const words = engine.explain(list);
      const out = {};
      let i = 0;
      for (const f of features) {
        const level = f.levels[words[i++]];
        out[f.name] = { level, roles: [...words.slice(i + 1, i + 1 + words[i])].map((id) => roles[id]) };
        i += 1 + words[i];
      }
      return out;
    },
    grantableRoles: (actor) => [...engine.grantableRoles(actor)].map((id) => roles[id]),
    checkGrant: (request) => decision(engine.checkGrant(request), request, unknownOf(request.roles)),
    checkRemove: (request) => decision(engine.checkRemove(request), request),
    checkInvite: (request) => decision(engine.checkInvite(request), request),
    compileRoles: (list) => engine.compileRoles(list),
    featureId: (name) => engine.featureId(name),
    levelId: (feature, level) => engine.levelId(feature, level),
  };
}

const example = (name) => readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), "utf8");

/** What a call gives: its value as plain data, or the thrown error's code, path and message. */
function outcome(call) {
  try {
    const value = call();
    return { value: value && typeof value === "object" ? structuredClone({ ...value, ...(Array.isArray(value) ? { array: [...value] } : {}) }) : value };
  } catch (err) {
    return { threw: { code: err?.code, path: err?.path, message: err?.message } };
  }
}

/** Asserts the layer and the reference agree on `method(...args)`, naming the call on a mismatch. */
function agree(layer, core, method, ...args) {
  const got = outcome(() => layer[method](...args));
  const want = outcome(() => core[method](...args));
  assert.deepEqual(got, want, `${method}(${JSON.stringify(args)})`);
}

/** Every by-name call the layer answers itself, for one workload, in request order. */
function agreeOnWorkload(layer, core, w) {
  for (const r of w.decisions) agree(layer, core, "allows", w.users[r.user].roles, r.feature, r.level);
  for (const u of w.users.slice(0, 200)) {
    for (const m of ["effective", "explain", "grantableRoles"]) agree(layer, core, m, m === "grantableRoles" ? u : u.roles);
    assert.deepEqual([...layer.compileRoles(u.roles).levels()], [...core.compileRoles(u.roles).levels()]);
  }
  for (const r of w.grants) {
    const actor = w.users[r.actor];
    const target = r.target < 0 ? null : w.users[r.target];
    agree(layer, core, "checkGrant", { actor, target, roles: r.roles });
    if (target) {
      agree(layer, core, "checkRemove", { actor, target });
      agree(layer, core, "checkInvite", { actor, target });
    }
  }
}

test("cached answers equal the core's over the bench workload, with room for every role list and with constant eviction", () => {
  const w = workload({ kind: "product-a" });
  for (const cacheSize of [1024, 3]) {
    const layer = Policy.fromJson(w.text, { cacheSize });
    agreeOnWorkload(layer, reference(w.text), w);
    assert.ok(layer.cachedRoleSets <= cacheSize);
  }
});

test("cached answers equal the core's on product B (rank) and on a 1,000-role policy", () => {
  const b = { ...workload({ kind: "product-a" }), text: example("product-b") };
  const names = ["Agent", "Supervisor", "Administrator"];
  b.users = b.users.map((u, i) => ({ id: u.id, roles: [names[i % 3], ...(i % 7 === 0 ? [names[(i + 1) % 3]] : [])] }));
  b.decisions = b.decisions.map((r, i) => ({ ...r, feature: "reports", level: ["own", "team", "all"][i % 3] }));
  b.grants = b.grants.map((r, i) => ({ ...r, roles: [names[i % 3]] }));
  agreeOnWorkload(Policy.fromJson(b.text, { cacheSize: 5 }), reference(b.text), b);
  const big = workload({ kind: "synthetic", roles: 1000, features: 500, rolesPerUser: 50 });
  agreeOnWorkload(Policy.fromJson(big.text, { cacheSize: 64 }), reference(big.text), big);
});

test("malformed and unknown arguments get the core's own error, never a cached answer", () => {
  const text = example("product-a");
  const layer = Policy.fromJson(text, { cacheSize: 4 });
  const core = reference(text);
  const uma = { id: "uma", roles: ["UserManager", "User"] };
  const badRoles = [undefined, null, "User", 5, {}, [5], ["User", null], ["User", undefined], [, "User"], ["Nobody"],
    ["User", "Nobody", "Nobody"], ["User\0ReportViewer"], ["User\0UserManager"], ["User", "ReportViewer"], ["User", "User"], [],
    Array(4097).fill("User"), Object.assign(["User"], { extra: 1 })];
  for (const roles of badRoles) {
    for (const [f, l] of [["reports", "own"], ["reports", "none"], ["reports", "nope"], ["nope", "own"], [5, "own"], ["reports", null]]) {
      agree(layer, core, "allows", roles, f, l);
    }
    for (const m of ["effective", "explain", "compileRoles"]) {
      const got = outcome(() => { const v = layer[m](roles); return m === "compileRoles" ? [...v.levels()] : v; });
      const want = outcome(() => { const v = core[m](roles); return m === "compileRoles" ? [...v.levels()] : v; });
      assert.deepEqual(got, want, `${m}(${JSON.stringify(roles)})`);
    }
    for (const who of [{ id: "x", roles }, { id: "", roles: ["User"] }, { id: 5, roles: ["User"] }, { roles }, null, [uma], "uma"]) {
      agree(layer, core, "grantableRoles", who);
      agree(layer, core, "checkGrant", { actor: uma, target: who, roles: ["User"] });
      agree(layer, core, "checkGrant", { actor: who, target: null, roles: ["User"] });
      agree(layer, core, "checkRemove", { actor: uma, target: who });
      agree(layer, core, "checkInvite", { actor: who, target: uma });
    }
    agree(layer, core, "checkGrant", { actor: uma, target: null, roles });
    agree(layer, core, "checkGrant", { actor: uma, roles });
  }
  // Lists whose keys collide (a NUL inside a name) in one call: each answered for its own names.
  agree(layer, core, "checkGrant", { actor: { id: "x", roles: ["UserManager\0User"] }, target: uma, roles: ["UserManager", "User"] });
  agree(layer, core, "checkGrant", { actor: uma, target: { id: "y", roles: ["UserManager", "User"] }, roles: ["UserManager\0User"] });
  for (const request of [undefined, null, "x", [], {}, { actor: uma }, { actor: uma, target: null, roles: ["User"], extra: 1 },
    { actor: uma, target: undefined, roles: ["User"] }, { actor: uma, target: uma, roles: ["User"] },
    { actor: uma, target: { ...uma, name: "Uma", account: {} }, roles: ["User"] }]) {
    agree(layer, core, "checkGrant", request);
    agree(layer, core, "checkRemove", request);
    agree(layer, core, "checkInvite", request);
  }
  for (const [name, level] of [["reports", "all"], ["reports", "none"], ["nope", "all"], ["reports", "nope"], [null, "all"], ["reports", 2]]) {
    agree(layer, core, "featureId", name);
    agree(layer, core, "levelId", name, level);
  }
});

test("role names the policy does not know: the layer never answers a drifted target from known roles alone", () => {
  for (const [name, admin, manager, plain] of [["product-a", "CustomerAdmin", "UserManager", "User"], ["product-b", "Administrator", "Supervisor", "Agent"]]) {
    const text = example(name);
    const layer = Policy.fromJson(text, { cacheSize: 3 });
    const core = reference(text);
    const drifted = { id: "x", roles: [plain, "LegacySuper"] };
    for (const actor of [{ id: "m", roles: [manager] }, { id: "m", roles: ["Ghost", manager, "Ghost"] }, { id: "a", roles: [admin] },
      { id: "a", roles: [admin, "Ghost"] }]) {
      for (const target of [drifted, { id: "y", roles: [plain] }]) {
        agree(layer, core, "checkRemove", { actor, target });
        agree(layer, core, "checkInvite", { actor, target });
        agree(layer, core, "checkGrant", { actor, target, roles: [plain] });
        agree(layer, core, "checkGrant", { actor, target: null, roles: [plain, "Nope"] });
      }
    }
    const refused = layer.checkRemove({ actor: { id: "m", roles: [manager, plain, "Ghost"] }, target: drifted });
    assert.deepEqual([refused.allowed, refused.reasons.map((r) => `${r.code}:${r.role}`), refused.ignored],
      [false, ["unknown_target_role:LegacySuper"], ["Ghost"]]);
    assert.equal(layer.checkRemove({ actor: { id: "a", roles: [admin] }, target: drifted }).allowed, true, `${admin} cleans up`);
    assert.equal("ignored" in layer.checkInvite({ actor: { id: "a", roles: [admin] }, target: drifted }), false);
  }
});

test("an array changed in place between calls is answered for what it holds now", () => {
  const layer = Policy.fromJson(example("product-a"));
  const roles = ["User"];
  assert.equal(layer.allows(roles, "reports", "all"), false);
  roles.push("ReportViewer");
  assert.equal(layer.allows(roles, "reports", "all"), true);
  roles[1] = "Nobody";
  assert.throws(() => layer.allows(roles, "reports", "all"), (e) => e.code === "unknown_role");
  roles.length = 1;
  assert.equal(layer.effective(roles).reports, "own");
});

test("a replaced policy answers by its own rules; the old one keeps its own", () => {
  const before = JSON.parse(example("product-a"));
  const after = structuredClone(before);
  after.roles.User.grants.reports = "all";
  delete after.roles.ReportViewer;
  after.roles.CustomerAdmin.includes = after.roles.CustomerAdmin.includes?.filter((r) => r !== "ReportViewer");
  const [oldLayer, newLayer] = [Policy.fromJson(before), Policy.fromJson(after)];
  const roles = ["User", "ReportViewer"];
  assert.equal(oldLayer.allows(roles, "reports", "all"), true);
  assert.throws(() => newLayer.allows(roles, "reports", "all"), (e) => e.code === "unknown_role");
  assert.equal(newLayer.allows(["User"], "reports", "all"), true);
  assert.equal(oldLayer.allows(["User"], "reports", "all"), false);
  const w = workload({ kind: "product-a" });
  const users = w.users.map((u) => ({ ...u, roles: u.roles.filter((r) => r !== "ReportViewer") }));
  agreeOnWorkload(newLayer, reference(after), { ...w, users });
  oldLayer.free();
  assert.equal(newLayer.effective(["User"]).reports, "all");
});

test("effective is a read-only view that reads as the plain object the core returns", () => {
  const text = example("product-b");
  const view = Policy.fromJson(text).effective(["Supervisor"]);
  const plain = reference(text).effective(["Supervisor"]);
  assert.deepEqual(view, plain);
  assert.deepEqual(Object.keys(view), ["interactions", "reports", "users", "settings"]);
  assert.equal(JSON.stringify(view), JSON.stringify(plain));
  assert.deepEqual({ ...view }, plain);
  assert.equal(view.reports, "team");
  assert.equal("reports" in view, true);
  assert.equal("levels" in view, false);
  assert.equal(Object.hasOwn(view, "users"), true);
  assert.equal(view.nope, undefined);
  assert.equal(String(view), "[object Object]");
  assert.throws(() => { "use strict"; view.reports = "all"; }, TypeError);
  assert.throws(() => { delete view.reports; }, TypeError);
  assert.equal(view.reports, "team");
});

test("the public methods are there, the engine's internal protocol is not", () => {
  const text = example("product-a");
  const layer = Policy.fromJson(text);
  const core = Engine.fromJson(text);
  const methods = (o) => Object.getOwnPropertyNames(o).filter((k) => !k.startsWith("__") && k !== "constructor").sort();
  assert.deepEqual(methods(Policy.prototype), ["accept", "accountStatus", "allows", "allowsGrant", "cachedRoleSets", "checkGrant",
    "checkInvite", "checkRemove", "compileRoles", "delegation", "disable", "disableTenant", "effective", "enable", "enableTenant",
    "explain", "featureId", "features", "free", "grantRule", "grantableRoles", "invitationTtlMs", "invite", "levelId", "roles",
    "warnings", "watchInvitation", "whoCan"].concat("check", "describe", "takesUserAdmin", "mayEditPolicy").sort());
  for (const internal of ["roleSetOf", "grantOf", "removeOf", "explainOf", "grantableOf"]) {
    assert.ok(!(internal in layer), internal);
    assert.ok(internal in core, `${internal} is the engine's`);
  }
  assert.equal(layer.grantRule, core.grantRule);
  assert.equal(layer.invitationTtlMs, core.invitationTtlMs);
  assert.deepEqual(layer.warnings(), []);
  const set = layer.compileRoles(["UserManager", "User"]);
  assert.equal(layer.allowsGrant(set, layer.compileRoles([]), layer.compileRoles(["User"]), false), true);
  assert.ok(new Policy(text) instanceof Policy);
  assert.throws(() => Policy.fromJson(text, { cacheSize: 2 }), (e) => e.code === "invalid_request" && e.path === "options.cacheSize");
  assert.throws(() => Policy.fromJson("{"), (e) => e.code === "invalid_policy");
});

test("a role set evicted from the cache is freed: wasm memory stays flat over 10^6 distinct role lists", () => {
  const memory = initSync().memory;
  const layer = Policy.fromJson(example("product-a"), { cacheSize: 256 });
  const names = ["User", "ReportViewer", "UserManager", "CustomerAdmin"];
  /** The i-th list: i's base-4 digits as role names, so every list is distinct. */
  const list = (i) => {
    const out = [];
    for (let n = i + 4 ** 9; n > 0; n = Math.floor(n / 4)) out.push(names[n % 4]);
    return out;
  };
  const run = (from, to) => {
    for (let i = from; i < to; i++) layer.allows(list(i), "reports", "all");
  };
  run(0, 20_000);
  const warm = memory.buffer.byteLength;
  run(20_000, 1_000_000);
  assert.equal(layer.cachedRoleSets, 256);
  assert.equal(memory.buffer.byteLength, warm, `wasm memory grew from ${warm} to ${memory.buffer.byteLength} bytes`);
});

test("the tenant's other users (for the last administrator) give the core's answers, cached or not", () => {
  for (const name of ["product-a", "product-b"]) {
    const text = example(name);
    const layer = Policy.fromJson(text, { cacheSize: 3 });
    const core = reference(text);
    const names = JSON.parse(text).roles;
    const users = Object.keys(names).map((role, i) => ({ id: `u${i}`, roles: [role] }));
    const operator = { id: "op", roles: Object.keys(names).slice(-1) };
    for (const target of users) {
      for (const others of [undefined, null, 0, 1, 2.5, -1, "1", [], users, users.filter((u) => u !== target), [target], [{ id: "x", roles: [5] }],
        [{ id: "x", roles: ["Nope"] }], {}]) {
        for (const roles of [[], target.roles, Object.keys(names).slice(0, 1)]) {
          agree(layer, core, "checkGrant", { actor: operator, target, roles, others });
        }
        agree(layer, core, "checkRemove", { actor: operator, target, others });
        agree(layer, core, "checkInvite", { actor: operator, target, others });
      }
    }
  }
});
