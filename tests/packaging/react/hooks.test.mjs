// rolegate/react in jsdom with @testing-library/react, as a component test would use it: the browser entry
// (run with --conditions=browser, as jsdom environments resolve the package), on the React this folder
// installs (19; ../react18/ links these files to run them on 18).
import "./dom.js";
import { after, afterEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import React, { StrictMode, Suspense, createElement as h } from "react";
import { act, cleanup, render, screen } from "@testing-library/react";
import { Policy } from "rolegate";
import { Allowed, RolegateProvider, useAllows, useEffective, useGrantDecision, useGrantableRoles,
  useInvitationStatus, usePolicy } from "rolegate/react";

const PRODUCT_A = readFileSync(new URL("../../../examples/product-a.json", import.meta.url), "utf8");
const uma = { id: "uma", roles: ["UserManager", "User"] };
const ann = { id: "ann", roles: ["User"] };
const cora = { id: "cora", roles: ["CustomerAdmin"] };
const NEW_ACCOUNT = { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null };

afterEach(cleanup);
after(() => mock.timers.reset());

/** Renders `fn()`'s value as JSON in a <pre data-testid=id>: what a component got from the hooks. */
function Show({ id, fn }) {
  return h("pre", { "data-testid": id }, JSON.stringify(fn()));
}
const shown = (id) => JSON.parse(screen.getByTestId(id).textContent);
const errorOf = (e) => e && { code: e.code, ...(e.path ? { path: e.path } : {}), ...(e.errors ? { errors: e.errors.length } : {}) };

function ui(policy, actor, children, strict = false) {
  const tree = h(Suspense, { fallback: h("p", null, "loading") }, h(RolegateProvider, { policy, actor }, children));
  return strict ? h(StrictMode, null, tree) : tree;
}

test("the provider suspends while the wasm loads, once for every provider on the page", async () => {
  const read = mock.method(process, "getBuiltinModule");
  let waiting = 0;
  const Loading = () => { waiting += 1; return "loading"; };
  const page = (policy, actor, id) => h(Suspense, { fallback: h(Loading) },
    h(RolegateProvider, { policy, actor }, h(Show, { id, fn: () => useAllows("users", "manage") })));
  await act(async () => {
    render(h("div", null, page(PRODUCT_A, uma, "one"), page(PRODUCT_A, ann, "two")));
  });
  await screen.findByTestId("one");
  assert.ok(waiting >= 2, "each provider's boundary showed its fallback");
  assert.deepEqual(shown("one"), { allowed: true, error: null });
  assert.deepEqual(shown("two"), { allowed: false, error: null });
  // The browser entry read its wasm from disk once (Node's fetch has no file: URLs).
  assert.equal(read.mock.calls.filter((c) => c.arguments[0] === "node:fs").length, 1);
  read.mock.restore();
});

test("every hook answers for the actor, with the core's answers and reasons", () => {
  render(ui(PRODUCT_A, uma, h(Show, {
    id: "all",
    fn: () => ({
      manage: useAllows("users", "manage").allowed,
      allReports: useAllows("reports", "all").allowed,
      reports: useEffective().levels.reports,
      forNewUser: useGrantableRoles().roles,
      forAnn: useGrantableRoles(ann).roles,
      forCora: useGrantableRoles(cora),
      grant: useGrantDecision({ target: ann, roles: ["User", "ReportViewer"] }),
      self: useGrantDecision({ target: uma, roles: ["User"] }).reasons.map((r) => r.code),
      policy: usePolicy().policy.grantRule,
    }),
  })));
  assert.deepEqual(shown("all"), {
    manage: true,
    allReports: false,
    reports: "own",
    forNewUser: ["User", "UserManager"],
    forAnn: ["UserManager"],
    forCora: { roles: [], error: null },
    grant: { allowed: false, reasons: [{ code: "role_not_held", message: "only someone who holds 'ReportViewer' can grant it, and you do not", role: "ReportViewer" }], error: null },
    self: ["self_role_change"],
    policy: "held",
  });
});

test("useGrantDecision with the tenant's other users: taking userAdmin from the last holder is refused", () => {
  const demote = (others) => useGrantDecision({ target: uma, roles: ["User"], others }).reasons.map((r) => r.code);
  render(ui(PRODUCT_A, cora, h(Show, { id: "last", fn: () => ({ alone: demote([ann]), withCora: demote([ann, cora]), unsaid: demote(undefined) }) })));
  assert.deepEqual(shown("last"), { alone: ["last_admin"], withCora: ["allowed"], unsaid: ["allowed"] });
});

test("<Allowed> shows its children or the fallback", () => {
  render(ui(PRODUCT_A, ann, h("div", null,
    h(Allowed, { feature: "reports", level: "own" }, h("span", null, "own reports")),
    h(Allowed, { feature: "users", level: "manage", fallback: h("span", null, "read only") }, h("span", null, "user admin")))));
  assert.ok(screen.getByText("own reports"));
  assert.ok(screen.getByText("read only"));
  assert.equal(screen.queryByText("user admin"), null);
});

test("bad input comes back as the core's error code, fails closed, and the tree stays mounted", () => {
  const bad = h("div", null,
    h(Show, { id: "feature", fn: () => errorOf(useAllows("users", "root").error) }),
    h(Show, { id: "record", fn: () => errorOf(useInvitationStatus({ platformDisabled: false }).error) }),
    h(Show, { id: "target", fn: () => errorOf(useGrantDecision({ target: { id: "x", roles: [7] }, roles: [] }).error) }),
    h(Allowed, { feature: "nope", level: "x", fallback: h("span", null, "closed") }, h("span", null, "open")));
  render(ui(PRODUCT_A, uma, bad));
  assert.deepEqual(shown("feature"), { code: "unknown_level" });
  assert.deepEqual(shown("record"), { code: "invalid_request", path: "record.tenantEnabled" });
  assert.deepEqual(shown("target"), { code: "invalid_request", path: "target.roles[0]" });
  assert.ok(screen.getByText("closed"));

  // An actor holding a role the policy does not know: every question about the actor says so.
  render(ui(PRODUCT_A, { id: "g", roles: ["Ghost"] }, h(Show, { id: "ghost", fn: () => {
    const allows = useAllows("reports", "own");
    const effective = useEffective();
    return { allowed: allows.allowed, error: errorOf(allows.error), levels: effective.levels, effective: errorOf(effective.error) };
  } })));
  assert.deepEqual(shown("ghost"), { allowed: false, error: { code: "unknown_role" }, levels: null, effective: { code: "unknown_role" } });
});

test("a policy that does not compile, or props of the wrong kind, reach every hook as the error", () => {
  const probe = (id) => h(Show, { id, fn: () => {
    const p = usePolicy();
    const g = useGrantDecision({ roles: ["User"] });
    return { policy: p.policy, error: errorOf(p.error), grant: { allowed: g.allowed, reasons: g.reasons, error: errorOf(g.error) },
      roles: useGrantableRoles().roles, status: useInvitationStatus(NEW_ACCOUNT).status };
  } });
  render(h("div", null,
    ui('{ "version": 1 }', uma, probe("policy")),
    ui(42, uma, probe("kind")),
    ui(PRODUCT_A, undefined, probe("actor"))));
  const failed = (error) => ({ policy: null, error, grant: { allowed: false, reasons: [], error }, roles: [], status: null });
  assert.deepEqual(shown("policy"), failed({ code: "invalid_policy", errors: 3 }));
  assert.deepEqual(shown("kind"), failed({ code: "invalid_request", path: "policy" }));
  assert.deepEqual(shown("actor"), failed({ code: "invalid_request", path: "actor" }));
});

test("a hook outside any provider throws no_provider (a programming error, for an error boundary)", () => {
  const { error } = mock.method(console, "error", () => {});
  class Boundary extends React.Component {
    state = { code: null };
    static getDerivedStateFromError(e) { return { code: e.code }; }
    render() { return this.state.code ?? this.props.children; }
  }
  render(h(Boundary, null, h(Show, { id: "x", fn: () => useAllows("users", "manage") })));
  assert.ok(screen.getByText("no_provider"));
  console.error.mock.restore();
  void error;
});

test("useInvitationStatus is live: it renders again at the first expired millisecond (injected clock)", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  let now = Date.parse("2026-11-22T09:00:00Z");
  const policy = Policy.fromJson(PRODUCT_A);
  const invited = policy.invite(NEW_ACCOUNT, now);
  const expiresAt = invited.invitedAt + policy.invitationTtlMs;
  let renders = 0;
  render(ui(policy, uma, h(Show, { id: "status", fn: () => {
    renders += 1;
    return useInvitationStatus(invited, { now: () => now }).status.status;
  } })));
  assert.equal(shown("status"), "invited");
  const before = renders;
  await act(async () => {
    now = expiresAt; // the last valid millisecond
    mock.timers.tick(expiresAt - Date.parse("2026-11-22T09:00:00Z"));
  });
  assert.equal(shown("status"), "invited");
  assert.equal(renders, before, "nothing renders before the invitation expires");
  await act(async () => {
    now = expiresAt + 1;
    mock.timers.tick(1);
  });
  assert.equal(shown("status"), "expired-invitation");
  mock.timers.reset();
});

test("StrictMode: one watcher while mounted, none after unmount (nothing fires later)", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  const start = Date.parse("2026-11-22T09:00:00Z");
  const policy = Policy.fromJson(PRODUCT_A);
  const invited = policy.invite(NEW_ACCOUNT, start);
  let active = 0;
  let fired = 0;
  const watch = policy.watchInvitation;
  policy.watchInvitation = (record, nowMs, callback) => {
    const w = watch.call(policy, record, nowMs, (s) => { fired += 1; callback(s); });
    active += 1;
    const cancel = w.cancel.bind(w);
    w.cancel = () => { active -= 1; cancel(); };
    return w;
  };
  const { unmount } = render(ui(policy, uma, h(Show, { id: "s", fn: () => useInvitationStatus(invited, { now: () => start }).status.status }), true));
  assert.equal(shown("s"), "invited");
  assert.equal(active, 1, "StrictMode's second effect run leaves one watcher");
  unmount();
  assert.equal(active, 0);
  mock.timers.tick(policy.invitationTtlMs + 1000);
  assert.equal(fired, 0, "a cancelled watcher never calls back");
  mock.timers.reset();
});

test("StrictMode: a policy given as text compiles once, and is freed when its last provider unmounts", async () => {
  const compiled = mock.method(Policy, "fromJson");
  const freed = mock.method(Policy.prototype, "free");
  const text = PRODUCT_A.replace('"invitationTtl": "24h"', '"invitationTtl": "25h"'); // not compiled by another test
  const probe = h(Show, { id: "p", fn: () => useEffective().levels.reports });
  const first = render(ui(text, uma, probe, true));
  const second = render(ui(text, ann, h(Show, { id: "q", fn: () => useAllows("reports", "own").allowed }), true));
  assert.equal(shown("p"), "own");
  assert.equal(compiled.mock.callCount(), 1, "one compile for both providers and StrictMode's double render");
  first.unmount();
  await Promise.resolve(); // the release waits a microtask (StrictMode re-runs effects at once)
  assert.equal(freed.mock.callCount(), 0, "the other provider still shows it");
  second.unmount();
  await Promise.resolve();
  assert.equal(freed.mock.callCount(), 1);
  // A new text replaces the old one: the old policy is freed.
  const { rerender, unmount } = render(ui(text, uma, probe, true));
  rerender(ui(PRODUCT_A.replace('"invitationTtl": "24h"', '"invitationTtl": "26h"'), uma, probe, true));
  await Promise.resolve();
  assert.equal(compiled.mock.callCount(), 3);
  assert.equal(freed.mock.callCount(), 2);
  unmount();
  await Promise.resolve();
  assert.equal(freed.mock.callCount(), 3);
  compiled.mock.restore();
  freed.mock.restore();
});
