/**
 * `make bench`: every engine in its own child process (only the Node flags it needs), cross-checked against
 * rolegate before timing; then cold starts in fresh processes, bundle sizes, the edge worker under load; then
 * the tables, charts and raw results in docs/bench/. Exits non-zero when any engine disagrees with rolegate.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { engineBundle, rolegatePackage } from "./bundle.js";
import { decisionChart, sweepChart } from "./chart.js";
import { edgeBench } from "./edge.js";
import { PRODUCT_A_PATH } from "./workload.js";
import { report } from "./report.js";
import { ENGINE_IDS as ENGINES } from "./engines/index.js";

/** The by-name rolegate run answers the reference. */
const REFERENCE = "rolegate-names";
/** The engines of the covered-mode suite: rolegate both ways, the plain-JS floor and CASL (issue 16's peer). */
const COVERED = ["rolegate-names", "rolegate-compiled", "plain", "casl"];
const COLD_RUNS = 7;
const OUT = new URL("../../docs/bench/", import.meta.url);
const SRC = (file) => new URL(file, import.meta.url).pathname;
const quick = process.env.BENCH_QUICK === "1";

const engines = Object.fromEntries(await Promise.all(ENGINES.map(async (id) => [id, (await import(`./engines/${id}.js`)).default])));

/** Runs `node <flags> <script> <args>` and returns its stdout; a non-zero exit fails the run with the child's message. */
function child(id, script, args) {
  const argv = [...engines[id].flags, SRC(script), ...args];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => (out += c));
    p.stderr.on("data", (c) => {
      err += c;
      if (!quick && script === "run-engine.js") process.stderr.write(c);
    });
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${id}: node ${argv.join(" ")} exited ${code}\n${err}`))));
  });
}

/** Times one suite for each engine: the reference first (its answers become the reference file), then the rest. */
async function suite(name, ids = ENGINES) {
  const ref = JSON.parse(await child(REFERENCE, "run-engine.js", [REFERENCE, name]));
  const refFile = join(tmpdir(), `rolegate-bench-${process.pid}-${name}.json`);
  writeFileSync(refFile, JSON.stringify(Object.fromEntries(ref.results.map((r) => [r.key, r.answers]))));
  const out = { [REFERENCE]: ref };
  try {
    for (const id of ids.filter((e) => e !== REFERENCE)) out[id] = JSON.parse(await child(id, "run-engine.js", [id, name, refFile]));
  } finally {
    rmSync(refFile, { force: true });
  }
  for (const r of ref.results) delete r.answers;
  return out;
}

/** Cold starts, interleaved across engines so machine drift spreads over all of them. */
async function coldStarts() {
  const runs = Object.fromEntries(ENGINES.map((id) => [id, []]));
  for (let i = 0; i < (quick ? 1 : COLD_RUNS); i++) {
    for (const id of ENGINES) runs[id].push(JSON.parse(await child(id, "cold.js", [id])));
  }
  return runs;
}

function machine() {
  const pkgVersion = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
  const packages = Object.fromEntries([...new Set(ENGINES.map((id) => engines[id].pkg).filter(Boolean)), "esbuild"].map((p) => [p, pkgVersion(p)]));
  return { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version,
    platform: `${process.platform} ${process.arch}`, date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC", packages };
}

const started = performance.now();
const log = (what) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}`);
const results = { machine: machine(), engines: Object.fromEntries(ENGINES.map((id) => [id, {
  label: engines[id].label, flags: engines[id].flags, grantNote: engines[id].grantNote }])) };
try {
  log("product A: cross-check, then time every engine");
  results.productA = await suite("product-a");
  log("product A in covered mode (refusals with several reasons)");
  results.covered = await suite("covered", COVERED);
  if (!quick) {
    log("scale sweep");
    results.sweep = await suite("sweep");
  }
  log("cold starts");
  results.cold = await coldStarts();
  log("bundle sizes");
  results.bundles = Object.fromEntries(await Promise.all(ENGINES.map(async (id) => [id, await engineBundle(id, engines[id])])));
  results.rolegatePackage = await rolegatePackage();
  log("edge: enforcing vs pass-through worker in workerd under wrk");
  results.edge = quick ? { skipped: "BENCH_QUICK" } : await edgeBench({ policyText: readFileSync(PRODUCT_A_PATH, "utf8") });
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
results.seconds = (performance.now() - started) / 1000;

const markdown = report(results);
mkdirSync(OUT, { recursive: true });
writeFileSync(new URL("results.md", OUT), markdown);
writeFileSync(new URL("results.json", OUT), `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(new URL("decisions.svg", OUT), decisionChart(results));
if (results.sweep) writeFileSync(new URL("sweep.svg", OUT), sweepChart(results));
console.log(markdown);
log(`done; wrote docs/bench/results.md, results.json, decisions.svg${results.sweep ? ", sweep.svg" : ""}`);
