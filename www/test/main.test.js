// `make demo`'s command (demo/main.js) as a terminal runs it: one URL printed; a second start on the
// same port, or on a busy provider port, prints one line, not a stack trace; Ctrl-C (SIGINT to the whole
// process group, workerd included) ends it with status 0, so make prints no error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../demo/main.js", import.meta.url));
const RUNTIME_NOTICE = /^oidc-provider WARNING: Unsupported runtime\. Use Node\.js v22\.x LTS, or a later LTS release\.\n/m;

/** Runs demo/main.js in its own process group; `output` collects stdout and stderr, `exited` its end. */
function runDemo(env) {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, detached: true });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (c) => { output.stdout += c; });
  child.stderr.on("data", (c) => { output.stderr += c; });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const printed = (pattern) => new Promise((resolve, reject) => {
    const check = () => {
      const m = output.stdout.match(pattern);
      if (m) resolve(m);
    };
    child.stdout.on("data", check);
    exited.then(() => reject(new Error(`exited without printing ${pattern}:\n${output.stdout}${output.stderr}`)));
  });
  return { child, output, exited, printed };
}

test("a second start on a busy port, or on a busy provider port, is one line; Ctrl-C ends the demo with status 0", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "rolegate-main-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const demo = runDemo({ DATA_DIR: dataDir, PORT: "0" });
  t.after(() => { if (demo.child.exitCode === null) process.kill(-demo.child.pid, "SIGKILL"); });
  const [, url] = await demo.printed(/Open (http:\/\/127\.0\.0\.1:\d+)\//);

  const again = runDemo({ DATA_DIR: dataDir, PORT: new URL(url).port });
  assert.deepEqual(await again.exited, { code: 0, signal: null });
  assert.deepEqual(again.output, { stdout: `rolegate demo: already running at ${url}/ (PORT=9000 make demo starts another)\n`, stderr: "" });

  const other = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => other.once("listening", resolve));
  t.after(() => other.close());
  const taken = runDemo({ DATA_DIR: dataDir, PORT: String(other.address().port) });
  assert.deepEqual(await taken.exited, { code: 1, signal: null });
  assert.equal(taken.output.stdout, "");
  assert.match(taken.output.stderr, /^rolegate demo: port \d+ is in use by another program; PORT=9000 make demo picks another\n$/);
  const providerTaken = runDemo({ DATA_DIR: dataDir, PORT: "0", OIDC_PORT: String(other.address().port) });
  assert.deepEqual(await providerTaken.exited, { code: 1, signal: null });
  assert.deepEqual(providerTaken.output, { stdout: "", stderr: `rolegate demo: port ${other.address().port} (the sign-in provider's) `
    + "is in use by another program; OIDC_PORT=9001 make demo picks another\n" });

  process.kill(-demo.child.pid, "SIGINT");
  assert.deepEqual(await demo.exited, { code: 0, signal: null });
  // Nothing on stderr but oidc-provider's notice at start that it prefers Node 22 (it runs on 20; see the README).
  assert.equal(demo.output.stderr.replace(RUNTIME_NOTICE, ""), "", "nothing on stderr");
});
