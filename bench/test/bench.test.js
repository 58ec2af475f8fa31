// The benchmark's own guarantees: every engine answers like rolegate (else the run fails before timing),
// the verdicts say by how much a target is missed, the chart's scale is logarithmic, timing is sane.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { decisionChart } from "../src/chart.js";
import { ENGINE_IDS } from "../src/engines/index.js";
import { measure } from "../src/measure.js";
import { rolegatePackage } from "../src/bundle.js";
import { pairedCost } from "../src/edge.js";
import { COLD_START_BEFORE_ISSUE_10_MS, growth, target, targets } from "../src/report.js";

const run = promisify(execFile);
const RUNNER = new URL("../src/run-engine.js", import.meta.url).pathname;
const checkOnly = { env: { ...process.env, BENCH_CHECK_ONLY: "1" }, maxBuffer: 1 << 24 };

/** Runs the engine's cross-check in its own process with its flags; returns the parsed output line. */
async function crossCheck(id, reference) {
  const { default: engine } = await import(`../src/engines/${id}.js`);
  const args = [...engine.flags, RUNNER, id, "product-a", ...(reference ? [reference] : [])];
  return JSON.parse((await run(process.execPath, args, checkOnly)).stdout);
}

const referenceFile = (answers) => {
  const file = join(mkdtempSync(join(tmpdir(), "bench-test-")), "ref.json");
  writeFileSync(file, JSON.stringify({ "product-a": answers }));
  return file;
};

test("every engine answers all of product A's decisions and grant requests exactly as rolegate does", async () => {
  const ref = await crossCheck("rolegate-names");
  const answers = ref.results[0].answers;
  assert.equal(answers.decisions.length, 10000);
  assert.equal(answers.grants.length, 2000);
  assert.ok(answers.grants.includes("0") && answers.grants.includes("1"), "grant requests mix allowed and refused");
  // Issue 10's split of the grant requests by the reference answers: the allowed path, then the refused one.
  const allowed = answers.grants.split("1").length - 1;
  const { grantAllowed, grantRefused } = ref.results[0].checked;
  assert.deepEqual(grantAllowed, { of: allowed, n: allowed, allowed });
  assert.deepEqual(grantRefused, { of: 2000 - allowed, n: 2000 - allowed, allowed: 0 });
  const file = referenceFile(answers);
  await Promise.all(ENGINE_IDS.filter((id) => id !== "rolegate-names").map(async (id) => {
    const out = await crossCheck(id, file);
    assert.deepEqual(out.results[0].checked.grants, { of: 2000, n: 2000, allowed: answers.grants.split("1").length - 1 }, id);
  }));
});

test("covered mode: about half the grant requests refused, with several reasons; the suite's engines answer as rolegate does", async () => {
  const ref = JSON.parse((await run(process.execPath, [RUNNER, "rolegate-names", "covered"], checkOnly)).stdout).results[0];
  const refused = ref.answers.grants.split("0").length - 1;
  assert.ok(refused > 800 && refused < 1200, `${refused} of 2000 refused`);
  assert.ok(ref.reasons >= 2, `${ref.reasons} reasons each`);
  const file = join(mkdtempSync(join(tmpdir(), "bench-test-")), "ref.json");
  writeFileSync(file, JSON.stringify({ covered: ref.answers }));
  for (const id of ["rolegate-compiled", "plain", "casl"]) {
    const { default: engine } = await import(`../src/engines/${id}.js`);
    const out = JSON.parse((await run(process.execPath, [...engine.flags, RUNNER, id, "covered", file], checkOnly)).stdout);
    assert.deepEqual(out.results[0].checked.grants, { of: 2000, n: 2000, allowed: 2000 - refused }, id);
  }
});

test("an engine that disagrees with rolegate fails the run before timing, naming the request", async () => {
  const ref = await crossCheck("rolegate-names");
  const { decisions, grants } = ref.results[0].answers;
  const flipped = (decisions[42] === "1" ? "0" : "1");
  const file = referenceFile({ decisions: decisions.slice(0, 42) + flipped + decisions.slice(43), grants });
  await assert.rejects(run(process.execPath, [RUNNER, "plain", "product-a", file], checkOnly), (err) => {
    assert.equal(err.code, 3);
    assert.match(err.stderr, /1 of 10000 decisions differ from rolegate on product-a/);
    assert.match(err.stderr, /#42 \{"user":\d+,"feature":"\w+","level":"\w+"\}/);
    return true;
  });
});

test("a missed target says by how much; an at-least target compares the other way", () => {
  assert.equal(target(2, "x", 150, 100, String).verdict, "**missed** by 1.50× (150 vs 100)");
  assert.equal(target(2, "x", 90, 100, String).verdict, "met");
  assert.equal(target(5, "x", 500, 1000, String, { atLeast: true }).verdict, "**missed** by 2.00× (500 vs 1000)");
  assert.equal(target(5, "x", 2000, 1000, String, { atLeast: true }).met, true);
});

test("issue 10's targets are computed from the run's own figures, the cold start against the previous run's", () => {
  const stat = (median) => ({ median, min: median, max: median });
  const run = (ops) => ({ results: [Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, stat(v)]))] });
  const entry = (gzip) => ({ js: { gzip: 5000 }, wasm: { gzip: gzip - 5000 }, total: { gzip } });
  const cold = (totalMs) => [{ importMs: totalMs - 1, loadMs: 0.5, firstMs: 0.5, totalMs }];
  const results = {
    productA: {
      "rolegate-names": run({ decision: 150, grant: 2000, checkGrant3: 1500, grantAllowed: 900, grantRefused: 6000 }),
      "rolegate-compiled": run({ decision: 30, grant: 100, allows3: 30 }),
      plain: run({ decision: 100, grant: 500 }),
      casl: run({ decision: 120, grant: 800 }),
      cedar: run({ decision: 80000, grant: 600000 }),
    },
    cold: { "rolegate-names": cold(8), casl: cold(10) },
    rolegatePackage: { browser: entry(39 * 1024), workerd: entry(61 * 1024) },
    edge: { skipped: "test" },
  };
  const of10 = Object.fromEntries(targets(results).filter((t) => t.issue.includes(10)).map((t) => [t.what, t]));
  const find = (re) => Object.entries(of10).find(([what]) => re.test(what))?.[1];
  assert.equal(find(/`allows` ≤ 1.0× CASL/).measured, "1.25×");
  assert.equal(find(/`allows` ≤ 1.0× CASL/).met, false);
  assert.equal(find(/`allows` ≤ 2× the plain-JS/).measured, "1.50×");
  assert.equal(find(/allowed path/).verdict, "met");
  assert.equal(find(/refusal with reasons/).verdict, "**missed** by 1.20× (6.00 µs vs 5.00 µs)");
  assert.equal(find(/browser entry/).met, true);
  assert.equal(find(/workerd entry/).met, false);
  assert.equal(find(/≤ 0.5× the run before/).measured, `${(8 / COLD_START_BEFORE_ISSUE_10_MS).toFixed(2)}×`);
  assert.equal(find(/below CASL/).measured, "0.80×");
  assert.equal(find(/below CASL/).met, true);
});

test("the package's browser entry bundles the browser build and the workerd entry the edge one, each with its wasm", async () => {
  const { browser, workerd } = await rolegatePackage();
  assert.ok(browser.inputs.some((f) => f.endsWith("pkg/browser/index.js")), browser.inputs.join());
  assert.ok(!browser.inputs.some((f) => f.includes("pkg/full/") || f.includes("pkg/edge/")), browser.inputs.join());
  assert.ok(workerd.inputs.some((f) => f.endsWith("pkg/workerd.js")) && workerd.inputs.some((f) => f.endsWith("pkg/edge/index.js")), workerd.inputs.join());
  assert.equal(workerd.wasmFile, "rolegate/edge/rolegate_bg.wasm");
  for (const e of [browser, workerd]) {
    assert.equal(e.total.gzip, e.js.gzip + e.wasm.gzip);
    assert.ok(e.wasm.raw > 10000 && e.js.raw > 1000);
  }
});

test("the edge's cost is taken round by round: load that shifts a whole round does not move it", () => {
  const passthrough = { latencyRounds: [0.5, 0.9, 0.5, 0.6, 1.5], rpsRounds: [3000, 1500, 3000, 2800, 1000] };
  const enforce = { latencyRounds: [0.7, 1.1, 0.7, 0.8, 1.7], rpsRounds: [2700, 1350, 2700, 2520, 900] };
  const { addedMs, throughputRatio } = pairedCost(enforce, passthrough);
  assert.ok(Math.abs(addedMs - 0.2) < 1e-9, String(addedMs));
  assert.ok(Math.abs(throughputRatio - 0.9) < 1e-9, String(throughputRatio));
});

test("growth: proportional and flat series are linear, a step change or quadratic growth is not", () => {
  assert.equal(growth([[1, 10], [3, 30], [10, 100], [50, 500]]).linear, true);
  assert.equal(growth([[8, 40], [32, 81], [125, 43], [500, 45]]).linear, true);
  assert.equal(growth([[1, 10], [3, 30], [10, 5000], [50, 6000]]).linear, false);
  assert.equal(growth([[1, 1], [2, 4], [4, 16], [8, 64]]).linear, false);
});

test("the decision chart is an SVG whose bar lengths follow a log scale", () => {
  const stat = (median) => ({ median, min: median * 0.9, max: median * 1.1 });
  const results = {
    engines: { a: { label: "fast" }, b: { label: "slow" }, c: { label: "slower" } },
    productA: Object.fromEntries([["a", 10], ["b", 100], ["c", 1000]].map(([id, ns]) => [id, { results: [{ decision: stat(ns), grant: stat(ns * 2) }] }])),
  };
  const svg = decisionChart(results);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const widths = [...svg.matchAll(/<rect x="190" y="[\d.]+" width="([\d.]+)" height="12" fill="#1f77b4"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 3);
  assert.ok(Math.abs((widths[2] - widths[1]) - (widths[1] - widths[0])) < 1, `equal steps per decade: ${widths}`);
});

test("measure reports at least 7 repetitions with min <= median <= max", () => {
  const s = measure((start, count) => { let x = 0; for (let i = start; i < start + count; i++) x += Math.sqrt(i); return x > 0 ? 1 : 0; }, 1000, { repMs: 2, warmMs: 5 });
  assert.ok(s.reps >= 7);
  assert.ok(s.min <= s.median && s.median <= s.max && s.min > 0);
});
