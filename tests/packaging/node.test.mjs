// The packed package under Node and TypeScript, as a user installs it: ESM, CommonJS, the browser entry as jsdom
// environments resolve it, the command from another project, and the declarations under strict settings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANSWERS } from "./consumers/probe.js";
import { here, run } from "./helpers.js";

const consumers = join(here, "consumers");
const installed = join(here, "node_modules/rolegate");
const tarball = () => join(here, ".pack", readdirSync(join(here, ".pack")).find((f) => f.endsWith(".tgz")));
const answersOf = async (...args) => JSON.parse(await run(process.execPath, args, { cwd: consumers }));

test("Node ESM: import by name gives the node entry's answers", async () => {
  assert.deepEqual(await answersOf("node-esm.mjs"), { ...ANSWERS, keyring: "function" });
});

test("Node CommonJS: require by name gives the same answers", async () => {
  assert.deepEqual(await answersOf("node-cjs.cjs"), { ...ANSWERS, keyring: "function" });
});

test("the browser entry under Node (--conditions=browser, as jsdom environments resolve it): init() loads the wasm", async () => {
  const script = `import init, * as rolegate from "rolegate";
    import { answers } from "./probe.js";
    await init();
    console.log(JSON.stringify(answers(rolegate)));`;
  assert.deepEqual(await answersOf("--conditions=browser", "--input-type=module", "-e", script), { ...ANSWERS, keyring: "undefined" });
});

test("the manifest names the Node versions it needs and React as an optional peer", () => {
  const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  assert.equal(manifest.engines.node, "^20.19.0 || >=22.12.0");
  assert.equal(manifest.peerDependenciesMeta.react.optional, true);
});

test("installed from the tarball into another project, `npx --no rolegate` runs the package's command", async () => {
  const project = mkdtempSync(join(tmpdir(), "rolegate-consumer-"));
  try {
    writeFileSync(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball()], { cwd: project });
    const out = await run("npx", ["--no", "rolegate", "who-can", join(here, "../../examples/product-a.json"), "reports", "own", "--json"], { cwd: project });
    assert.deepEqual(JSON.parse(out).map((r) => r.role), ["User", "ReportViewer", "CustomerAdmin"]);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

// tsc --strict --noEmit, skipLibCheck false, lib es2022 + dom, on the core and React declarations (consumers/ts).
for (const [version, tsc] of [["5.9", "typescript"], ["7", "typescript-7"]]) {
  for (const resolution of ["bundler", "node16", "nodenext"]) {
    test(`TypeScript ${version}, moduleResolution ${resolution}: the declarations type-check`, async () => {
      await run(process.execPath, [join(here, "node_modules", tsc, "bin/tsc"), "-p", join(consumers, `ts/tsconfig.${resolution}.json`)]);
    });
  }
  test(`TypeScript ${version}, lib esnext: the classes are Disposable (\`using\` frees them)`, async () => {
    await run(process.execPath, [join(here, "node_modules", tsc, "bin/tsc"), "-p", join(consumers, "ts/tsconfig.disposable.json")]);
  });
}

test("no `any` in the public types", () => {
  const files = ["types.d.ts", "index.d.ts", "browser.d.ts", "messages.d.ts", "react.d.ts"];
  for (const file of files) {
    const code = readFileSync(join(installed, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\bany\b/, file);
  }
});
