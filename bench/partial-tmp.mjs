// The parts of `make bench` issue 16's targets need, in one run: product A and covered mode (rolegate both ways,
// plain JS, CASL), cold starts interleaved, and the package's entries' sizes.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { rolegatePackage, engineBundle } from "./src/bundle.js";
import casl from "./src/engines/casl.js";
const run = (args) => execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "ignore"] });
const out = {};
for (const suite of ["product-a", "covered"]) {
  const ref = JSON.parse(run(["src/run-engine.js", "rolegate-names", suite]));
  const file = `/tmp/reasons/ref-${suite}.json`;
  writeFileSync(file, JSON.stringify({ [suite]: ref.results[0].answers }));
  out[suite] = { "rolegate-names": ref.results[0] };
  for (const id of ["rolegate-compiled", "plain", "casl"]) out[suite][id] = JSON.parse(run(["src/run-engine.js", id, suite, file])).results[0];
}
const fig = (r, k) => r[k] ? `${r[k].median.toFixed(0)} ns` : "-";
for (const suite of ["product-a", "covered"]) for (const [id, r] of Object.entries(out[suite])) {
  console.log(`${suite} ${id}: decision ${fig(r, "decision")}, grant ${fig(r, "grant")}, allowed ${fig(r, "grantAllowed")}, refused ${fig(r, "grantRefused")}${r.reasons ? `, ${r.reasons.toFixed(2)} reasons` : ""}`);
}
const cold = { "rolegate-names": [], casl: [] };
for (let i = 0; i < 7; i++) for (const id of Object.keys(cold)) cold[id].push(JSON.parse(run(["src/cold.js", id])));
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
for (const [id, runs] of Object.entries(cold)) console.log(`cold ${id}: total ${med(runs.map((c) => c.totalMs)).toFixed(1)} ms (import ${med(runs.map((c) => c.importMs)).toFixed(1)}, load ${med(runs.map((c) => c.loadMs)).toFixed(1)}, first ${med(runs.map((c) => c.firstMs)).toFixed(2)})`);
const p = await rolegatePackage();
for (const e of ["browser", "workerd"]) console.log(`${e} entry: JS ${(p[e].js.gzip / 1024).toFixed(1)} KB + wasm ${(p[e].wasm.gzip / 1024).toFixed(1)} KB = ${(p[e].total.gzip / 1024).toFixed(1)} KB gzipped`);
const c = await engineBundle("casl", casl);
console.log(`CASL bundle ${(c.total.gzip / 1024).toFixed(1)} KB gzipped`);
