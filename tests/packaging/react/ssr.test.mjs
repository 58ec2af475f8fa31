// Server rendering with the node entry: the provider compiles and every hook answers in the one pass
// renderToString makes (no Suspense fallback), and importing rolegate/react loads no wasm by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import React, { Suspense, createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { Allowed, RolegateProvider, useGrantDecision, useInvitationStatus } from "rolegate/react";

const PRODUCT_A = readFileSync(new URL("../../../examples/product-a.json", import.meta.url), "utf8");

test(`React ${React.version}: renderToString renders the answers, not the fallback`, () => {
  if (process.env.REACT_MAJOR) assert.equal(React.version.split(".")[0], process.env.REACT_MAJOR, "the React under test");
  const Row = () => {
    const d = useGrantDecision({ target: { id: "ann", roles: ["User"] }, roles: ["User", "ReportViewer"] });
    const s = useInvitationStatus({ platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null });
    return h("p", null, `${d.allowed} ${d.reasons[0].code} ${s.status.status}`);
  };
  const html = renderToString(h(Suspense, { fallback: "loading" },
    h(RolegateProvider, { policy: PRODUCT_A, actor: { id: "uma", roles: ["UserManager", "User"] } },
      h(Row), h(Allowed, { feature: "reports", level: "all", fallback: "no reports" }, "all reports"))));
  // (React 19 marks the completed Suspense boundary with comments; 18 writes none.)
  assert.equal(html.replace(/<!--.*?-->/g, ""), "<p>false role_not_held pending-invite</p>no reports");
});

test("importing rolegate/react (browser entry) touches no wasm: no fetch, no file read, no compile", () => {
  const out = execFileSync(process.execPath, ["--preserve-symlinks", "--conditions=browser", "--input-type=module", "-e", `
    const touched = [];
    globalThis.fetch = (url) => { touched.push("fetch " + url); throw new Error("no fetch"); };
    const { getBuiltinModule } = process;
    process.getBuiltinModule = (name) => { touched.push(name); return getBuiltinModule(name); };
    const { Policy } = await import("rolegate");
    const compile = Policy.fromJson;
    Policy.fromJson = (...a) => { touched.push("compile"); return compile(...a); };
    await import("rolegate/react");
    console.log(JSON.stringify(touched));`], { cwd: new URL(".", import.meta.url), encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), []);
});
