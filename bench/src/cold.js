/**
 * Cold start of one engine in a fresh process: import (and for wasm engines, instantiate), load product A's
 * policy, answer the first decision. The policy text and the request are read before the clock starts; the
 * engine's module (and so its library) is imported after. Prints one JSON line of milliseconds.
 *
 * usage: node [flags] src/cold.js <engine>
 */
import { readFileSync } from "node:fs";
import { PRODUCT_A_PATH } from "./workload.js";

const text = readFileSync(PRODUCT_A_PATH, "utf8");
const users = [{ id: "u0000", roles: ["User", "ReportViewer", "UserManager"] }];
const request = [{ user: 0, feature: "reports", level: "all" }];

const t0 = performance.now();
const { default: engine } = await import(`./engines/${process.argv[2]}.js`);
const t1 = performance.now();
const inst = await engine.load(text, users);
const t2 = performance.now();
const [a, b, c] = inst.decisions(request, users);
const allowed = inst.decide(a[0], b[0], c[0]);
const t3 = performance.now();
if (allowed !== true) throw new Error(`${engine.label}: first decision should allow`);
console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, firstMs: t3 - t2, totalMs: t3 - t0 }));
