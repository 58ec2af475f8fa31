// The packed package in each bundler's build, as a user builds it, then loaded in headless Chromium: the page
// must show the package's real answers with no failed request (a bundle that cannot find the wasm 404s).
// And the worker wrangler bundles (`deploy --dry-run`), run on workerd.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ANSWERS } from "./consumers/probe.js";
import { bin, here, launchBrowser, node22, pageResult, run, serve } from "./helpers.js";

const consumer = (name) => join(here, "consumers", name);
const BROWSER_ANSWERS = { ...ANSWERS, keyring: "undefined" };
/** The README's line that puts the wasm beside a bundle for esbuild and Rollup, run as written. */
const README = readFileSync(join(here, "../../README.md"), "utf8");
const COPY_WASM = README.split("\n").find((l) => l.includes('require.resolve("rolegate/rolegate_bg.wasm")'))?.replace(/\s+#.*$/, "");

let chromium;
before(async () => { chromium = await launchBrowser(); });
after(() => chromium.close());

/**
 * Builds in `dir` (dist/ emptied first; a consumer with nothing of its own but its output, webpack's and esbuild's,
 * is not in git, so it is made here), adds the shared page when the bundler writes none, serves and loads it.
 */
async function buildAndLoad(t, dir, build) {
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build();
  if (!readdirSync(join(dir, "dist")).includes("index.html")) copyFileSync(consumer("index.html"), join(dir, "dist/index.html"));
  return pageResult(chromium, await serve(t, join(dir, "dist")));
}

test("Vite: the production build shows the answers (the wasm is an asset Vite emits)", async (t) => {
  const dir = consumer("vite");
  const got = await buildAndLoad(t, dir, () => run(bin("vite"), ["build", "--logLevel", "warn"], { cwd: dir }));
  assert.deepEqual(got, { result: BROWSER_ANSWERS, problems: [] });
});

test("Vite: the dev server shows the answers (dependency pre-bundling included)", async (t) => {
  const dir = consumer("vite");
  const port = await freePort();
  const server = spawn(bin("vite"), ["--host", "127.0.0.1", "--port", String(port), "--strictPort", "--logLevel", "warn"], { cwd: dir, stdio: "ignore" });
  t.after(() => server.kill());
  const url = `http://127.0.0.1:${port}/`;
  await until(() => fetch(url).then((r) => r.ok, () => false));
  assert.deepEqual(await pageResult(chromium, url), { result: BROWSER_ANSWERS, problems: [] });
});

test("webpack 5: the production build shows the answers", async (t) => {
  const dir = consumer("webpack");
  const got = await buildAndLoad(t, dir, () => run(bin("webpack"),
    ["--mode", "production", "--entry", "../page.js", "--output-path", "dist", "--output-filename", "main.js", "--no-stats"], { cwd: dir }));
  assert.deepEqual(got, { result: BROWSER_ANSWERS, problems: [] });
});

test("esbuild --bundle --format=esm, with the README's one line that puts the wasm beside the bundle", async (t) => {
  assert.ok(COPY_WASM, "the README shows the line");
  const dir = consumer("esbuild");
  const got = await buildAndLoad(t, dir, async () => {
    await run(bin("esbuild"), ["../page.js", "--bundle", "--format=esm", "--outfile=dist/main.js", "--log-level=warning"], { cwd: dir });
    await run("bash", ["-c", COPY_WASM], { cwd: dir });
  });
  assert.deepEqual(got, { result: BROWSER_ANSWERS, problems: [] });
});

test("Rollup with node-resolve, with the same README line", async (t) => {
  const dir = consumer("rollup");
  const got = await buildAndLoad(t, dir, async () => {
    await run(bin("rollup"), ["-c", "--silent"], { cwd: dir });
    await run("bash", ["-c", COPY_WASM], { cwd: dir });
  });
  assert.deepEqual(got, { result: BROWSER_ANSWERS, problems: [] });
});

test("wrangler: the `deploy --dry-run` bundle (workerd entry, the wasm as a module) answers on workerd", async (t) => {
  const dir = consumer("wrangler");
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  await run(node22, [join(here, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", "dist"],
    { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });
  const port = await freePort();
  const config = join(dir, "dist/workerd.capnp");
  writeFileSync(config, workerdConfig(readdirSync(join(dir, "dist")), port));
  const workerd = spawn(bin("workerd"), ["serve", config], { cwd: join(dir, "dist"), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  workerd.stderr.on("data", (d) => { stderr += d; });
  t.after(() => workerd.kill());
  const url = `http://127.0.0.1:${port}/`;
  await until(() => fetch(url).then(() => true, () => false), () => stderr);
  assert.deepEqual(await (await fetch(url)).json(), { ...ANSWERS, keyring: "function" });
});

/** A workerd config serving the bundle: its worker.js and the modules it imports (the wasm) by their names. */
function workerdConfig(files, port) {
  const modules = files.filter((f) => f.endsWith(".js") || f.endsWith(".wasm"))
    .map((f) => (f.endsWith(".js") ? `(name = "${f}", esModule = embed "${f}")` : `(name = "${f}", wasm = embed "${f}")`));
  // worker.js first: the first module is the entry.
  modules.sort((a, b) => Number(b.includes('"worker.js"')) - Number(a.includes('"worker.js"')));
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = (modules = [${modules.join(", ")}], compatibilityDate = "2025-09-01"))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
`;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `ready` until it is true (a server starting up); fails after 30 s with `why()`. */
async function until(ready, why = () => "") {
  for (const end = Date.now() + 30_000; Date.now() < end;) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready after 30 s ${why()}`);
}
