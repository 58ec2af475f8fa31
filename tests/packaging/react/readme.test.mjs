// Renders the README's React block as written (JSX compiled by esbuild) with the node entry, and checks
// what a user manager sees: the role boxes he may not tick are disabled with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { transformSync } from "esbuild";
import { JSDOM } from "jsdom";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const block = readme.match(/\*\*React\*\*[\s\S]*?```jsx\n([\s\S]*?)```/)[1];
const PRODUCT_A = readFileSync(new URL("../../../examples/product-a.json", import.meta.url), "utf8");

test("the README's React block renders the users table a user manager may act on", async () => {
  const file = new URL("./.readme-block.mjs", import.meta.url);
  writeFileSync(file, transformSync(block, { loader: "jsx", jsx: "automatic", format: "esm" }).code);
  let UsersScreen;
  try {
    ({ UsersScreen } = await import(file));
  } finally {
    rmSync(file);
  }
  const account = { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: Date.now() - 1000, acceptedAt: null };
  const users = [{ id: "ann", roles: ["User"], account }, { id: "cora", roles: ["CustomerAdmin"], account: { ...account, acceptedAt: Date.now() } }];
  const html = renderToString(h(UsersScreen, { policyText: PRODUCT_A, me: { id: "uma", roles: ["UserManager", "User"] }, users }));
  const rows = [...new JSDOM(html).window.document.querySelectorAll("tr")].map((tr) => ({
    cells: [...tr.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent),
    boxes: [...tr.querySelectorAll("label")].map((l) => [l.textContent, l.querySelector("input").checked, l.querySelector("input").disabled, l.title]),
  }));
  assert.deepEqual(rows, [
    { cells: ["ann", "invited"], boxes: [["User", true, false, ""],
      ["ReportViewer", false, true, "only someone who holds 'ReportViewer' can grant it, and you do not"]] },
    { cells: ["cora", "enabled"], boxes: [["User", false, true, "this user has Reports: all, above your Reports: own"],
      ["ReportViewer", false, true, "this user has Reports: all, above your Reports: own; only someone who holds 'ReportViewer' can grant it, and you do not"]] },
  ]);
  const viewer = renderToString(h(UsersScreen, { policyText: PRODUCT_A, me: { id: "rita", roles: ["ReportViewer"] }, users }));
  assert.equal(viewer.replace(/<!--.*?-->/g, ""), "<p>You cannot manage users.</p>");
});
