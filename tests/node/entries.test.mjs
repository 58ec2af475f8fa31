// Each runtime's entry, imported by the package name under that runtime's export condition, and the browser
// build checked on the built files: it carries no token code at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const pkg = new URL("./node_modules/rolegate/", import.meta.url);
const file = (path) => readFileSync(new URL(path, pkg));

/** Runs `script` as an ES module in a fresh Node under `--conditions=<condition>`; returns its JSON output. */
function under(condition, script) {
  const out = execFileSync(process.execPath, [`--conditions=${condition}`, "--input-type=module", "-e", script], {
    cwd: new URL(".", import.meta.url),
    encoding: "utf8",
  });
  return JSON.parse(out);
}

test("the browser entry, by name: async init, the layer's Policy, no Keyring", () => {
  const got = under("browser", `
    import init, * as rolegate from "rolegate";
    import { readFileSync } from "node:fs";
    await init({ module_or_path: readFileSync("node_modules/rolegate/browser/rolegate_bg.wasm") });
    const policy = rolegate.Policy.fromJson(readFileSync("../../examples/product-a.json", "utf8"));
    console.log(JSON.stringify({ keyring: "Keyring" in rolegate, reports: policy.effective(["User"]).reports,
      cached: policy.cachedRoleSets, parse: typeof rolegate.parseJson, edit: policy.mayEditPolicy(["CustomerAdmin"]) }));`);
  assert.deepEqual(got, { keyring: false, reports: "own", cached: 1, parse: "function", edit: true });
});

test("the node entry, by name: ready at once, with Keyring", () => {
  const got = under("node", `
    import * as rolegate from "rolegate";
    console.log(JSON.stringify({ keyring: typeof rolegate.Keyring, policy: typeof rolegate.Policy.fromJson }));`);
  assert.deepEqual(got, { keyring: "function", policy: "function" });
});

test("the browser build has no token code: no token exports, imports or names in its wasm and glue", async () => {
  const wasm = await WebAssembly.compile(file("browser/rolegate_bg.wasm"));
  const names = [...WebAssembly.Module.exports(wasm), ...WebAssembly.Module.imports(wasm)].map((e) => e.name).join("\n");
  assert.doesNotMatch(names, /keyring|token|actor|invitation_/i);
  const glue = `${file("browser/rolegate.js")}${file("browser/index.js")}`;
  assert.doesNotMatch(glue, /Keyring|verifyActor|signInvitation|HS256/);
  // Text only the token code holds (the JWT types and algorithm it writes and checks), in data the wasm carries.
  for (const text of ["HS256", "invite+jwt"]) {
    assert.equal(file("browser/rolegate_bg.wasm").indexOf(text), -1, `${text} in the browser wasm`);
    assert.notEqual(file("full/rolegate_bg.wasm").indexOf(text), -1, `${text} missing from the full wasm: the probe is stale`);
  }
  assert.match(`${file("full/rolegate.js")}`, /verifyActor/);
});

test("the edge build (workerd) has token code and no policy analysis", () => {
  const glue = `${file("edge/rolegate.js")}`;
  assert.match(glue, /verifyActor/);
  assert.match(glue, /mayEditPolicy/, "a policy save is judged at the edge");
  assert.doesNotMatch(glue, /whoCan|delegation|diff\(/);
  assert.match(`${file("workerd.js")}`, /from "\.\/edge\/rolegate_bg\.wasm"/);
  assert.match(`${file("full/rolegate.js")}`, /whoCan/);
});
