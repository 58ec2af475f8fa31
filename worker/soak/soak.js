#!/usr/bin/env node
// Soak: the enforcing worker in real workerd in front of a recording origin, under a bounded
// loopback load (fixed concurrency, keep-alive) for DURATION_SECONDS (default 60) with the mix of
// soak/mix.js. Checks every answer (status and problem code, no 5xx), that origin received exactly
// the accepted requests (each once, no refusal), and that memory stays flat: the worker isolate's
// JS heap and wasm memory (over the inspector, soak/inspect.js) and workerd's RSS (soak/rss.js).
// Usage: node soak/soak.js [DURATION_SECONDS] [ONLY]   (exit 1 when a check fails)
//   ONLY: run only the kinds whose name contains this text (to find which request moves memory)
import { Agent, request } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { USERS, baseSpec } from "../test/fixtures.js";
import { startRecordingOrigin, startWorker } from "../test/harness.js";
import { enableInspector, inspectIsolate } from "./inspect.js";
import { requestKinds } from "./mix.js";
import { rssBytes, workerdPid } from "./rss.js";

const CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 10_000;
const SAMPLE_EVERY_MS = 2_000;
const MiB = 1024 * 1024;
/**
 * Memory bounds, from the end of warm-up to the end of the run (see soak/README.md for the
 * measurements behind them). The isolate's caches are all bounded (1,024 tokens, 512 role lists,
 * 1,000 targets) and the mix churns the first two past their bounds during warm-up, so after a
 * forced GC the JS heap (~1 MiB) and the wasm memory (~1 MiB, never shrinks) must level off:
 * growth of at most 25% or 8 MiB (heap) / 1 MiB (wasm), whichever is larger, which a leak of
 * 100 bytes (heap) or 10 bytes (wasm) per request exceeds within a 60 s run. workerd's own native
 * memory grows under any load to a plateau (a pass-through worker without rolegate: ~720 MiB), so
 * its RSS gets a ceiling, not a flatness bound.
 */
const BOUNDS = {
  heapUsed: (start) => Math.max(0.25 * start, 8 * MiB),
  wasmBytes: (start) => Math.max(0.25 * start, 1 * MiB),
};
const RSS_CEILING = 1024 * MiB;

const duration = Number(process.argv[2] ?? 60);
if (!Number.isFinite(duration) || duration < 5 || duration > 3600) {
  console.error("usage: node soak/soak.js [DURATION_SECONDS between 5 and 3600] [ONLY]");
  process.exit(2);
}
const only = process.argv[3];
const warmupMs = Math.min(10, Math.max(2, duration * 0.1)) * 1000;

/** Ids (x-soak-id) of the requests origin received, with how often. */
const received = new Map();
const origin = await startRecordingOrigin({
  users: USERS,
  onRequest(rec) {
    const id = rec.headers["x-soak-id"];
    if (id !== undefined) received.set(id, (received.get(id) ?? 0) + 1);
    origin.clear(); // the ids are all the soak needs: keep the recording origin's memory flat
  },
});
let worker, isolate;
try {
  const inspector = await enableInspector();
  try {
    worker = await startWorker(baseSpec(origin.url, { ledger: true, decisionLog: process.env.SOAK_DECISION_LOG }));
  } finally {
    inspector.restore();
  }
  isolate = await inspectIsolate(inspector.port);
  const ok = await soak(worker.url, workerdPid());
  process.exitCode = ok ? 0 : 1;
} finally {
  isolate?.close();
  await worker?.stop();
  await origin.close();
}

/** Runs the load, prints the figures and the checks; true when every check passed. */
async function soak(url, pid) {
  const kinds = requestKinds().filter((k) => !only || k.name.includes(only));
  if (kinds.length === 0) throw new Error(`no request kind matches '${only}'`);
  const deck = shuffledDeck(kinds);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const stats = { requests: 0, accepted: new Set(), refused: new Set(), fivexx: 0, unexpected: 0, errors: 0, examples: [] };
  const perKind = new Map(kinds.map((k) => [k.name, 0]));
  let next = 0;
  let stopping = false;

  async function loop() {
    while (!stopping) {
      const n = next++;
      const kind = deck[n % deck.length];
      const planned = kind.make(n) ?? kind.fallback(n);
      const id = String(n);
      const accepted = planned.expect.status < 300;
      stats.requests++;
      perKind.set(kind.name, perKind.get(kind.name) + 1);
      let res;
      try {
        res = await send(agent, url, { ...planned.request, headers: { ...planned.request.headers, "x-soak-id": id } });
      } catch (err) {
        stats.errors++;
        note(stats, `${kind.name}: ${err.code ?? err.message}`);
        planned.done?.({ status: 0 });
        continue;
      }
      planned.done?.(res);
      if (res.status >= 500) stats.fivexx++;
      const expectedCode = planned.expect.code;
      if (res.status !== planned.expect.status || (expectedCode && res.json?.code !== expectedCode)) {
        stats.unexpected++;
        note(stats, `${kind.name}: expected ${planned.expect.status} ${expectedCode ?? ""}, got ${res.status} ${res.text.slice(0, 160)}`);
      }
      (accepted ? stats.accepted : stats.refused).add(id);
    }
  }

  /** Memory figures, taken under load (workerd answers the inspector while the isolate is busy). */
  const samples = [];
  let sampleError;
  const sample = async () => {
    try {
      samples.push({ rss: rssBytes(pid), ...(await isolate.measure()) });
    } catch (err) {
      sampleError ??= err.message;
    }
  };

  const started = performance.now();
  const deadline = started + duration * 1000;
  const loops = Promise.all(Array.from({ length: CONCURRENCY }, loop));
  await delay(warmupMs);
  await sample();
  while (deadline - performance.now() > SAMPLE_EVERY_MS) {
    await delay(SAMPLE_EVERY_MS);
    await sample();
  }
  await delay(Math.max(0, deadline - performance.now()));
  await sample(); // the end figure, still under load
  stopping = true;
  await loops;
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  const forwardedRefusals = [...stats.refused].filter((id) => received.has(id)).length;
  const missing = [...stats.accepted].filter((id) => !received.has(id)).length;
  const repeated = [...received.values()].filter((count) => count > 1).length;
  const strangers = [...received.keys()].filter((id) => !stats.accepted.has(id) && !stats.refused.has(id)).length;
  const [first, last] = [samples[0], samples.at(-1)];
  const figure = (key) => first && {
    start: first[key], end: last[key], max: Math.max(...samples.map((s) => s[key])), growth: last[key] - first[key],
  };
  const memory = { rss: figure("rss"), heapUsed: figure("heapUsed"), wasmBytes: figure("wasmBytes") };

  const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
  const describe = (f, bound) => `start ${mib(f.start)}, end ${mib(f.end)}, max ${mib(f.max)} ` +
    `(${f.growth >= 0 ? "+" : ""}${mib(f.growth)}${bound ? `; bound +${mib(bound)}` : ""})`;
  console.log(`soak: ${elapsed.toFixed(1)} s, ${CONCURRENCY} in flight, keep-alive, warm-up ${warmupMs / 1000} s, workerd pid ${pid}`);
  console.log(`  requests ${stats.requests} (${Math.round(stats.requests / elapsed)}/s): accepted ${stats.accepted.size}, refused ${stats.refused.size}`);
  console.log(`  5xx ${stats.fivexx}, unexpected answers ${stats.unexpected}, network errors ${stats.errors}`);
  console.log(`  origin received ${received.size} of them: forwarded refusals ${forwardedRefusals}, accepted missing ${missing}, received twice ${repeated}, unknown ${strangers}`);
  if (first) {
    console.log(`  isolate JS heap after GC: ${describe(memory.heapUsed, BOUNDS.heapUsed(first.heapUsed))}`);
    console.log(`  isolate wasm memory: ${describe(memory.wasmBytes, BOUNDS.wasmBytes(first.wasmBytes))}`);
    console.log(`  workerd RSS: ${describe(memory.rss)}; ceiling ${mib(RSS_CEILING)}`);
    console.log(`  RSS samples (MiB, every ${SAMPLE_EVERY_MS / 1000} s after warm-up): ${samples.map((s) => Math.round(s.rss / MiB)).join(" ")}`);
  }
  console.log(`  mix: ${[...perKind].map(([name, count]) => `${name} ${count}`).join(", ")}`);
  for (const example of stats.examples) console.log(`  ! ${example}`);
  if (sampleError) console.log(`  ! memory sample failed: ${sampleError}`);

  const within = (key) => first !== undefined && memory[key].growth <= BOUNDS[key](first[key]);
  const checks = [
    ["the load ran (requests of every kind, every memory sample taken)", [...perKind.values()].every((c) => c > 0) && !sampleError && samples.length >= 2],
    ["zero 5xx", stats.fivexx === 0],
    ["every answer as expected (status and problem code), no network error", stats.unexpected === 0 && stats.errors === 0],
    ["no refusal reached origin", forwardedRefusals === 0 && strangers === 0],
    ["every accepted request reached origin exactly once", missing === 0 && repeated === 0],
    ["isolate JS heap flat (after GC, end within the bound of warm-up)", within("heapUsed")],
    ["isolate wasm memory flat (end within the bound of warm-up)", within("wasmBytes")],
    ["workerd RSS under its ceiling", first !== undefined && memory.rss.max <= RSS_CEILING],
  ];
  for (const [name, passed] of checks) console.log(`${passed ? "ok" : "FAILED"} - ${name}`);
  const failed = checks.filter(([, passed]) => !passed).length;
  const short = (f) => (f ? `${mib(f.start)} -> ${mib(f.end)} (max ${mib(f.max)})` : "n/a");
  console.log(`${checks.length - failed} passed, ${failed} failed (soak ${duration} s: ${stats.requests} requests, ` +
    `${Math.round(stats.requests / elapsed)}/s, ${stats.refused.size} refused, ${stats.fivexx} 5xx, ${forwardedRefusals} forwarded refusals; ` +
    `heap ${short(memory.heapUsed)}, wasm ${short(memory.wasmBytes)}, RSS ${short(memory.rss)})`);
  return failed === 0;
}

/** Each kind `weight` times, in a fixed pseudo-random order (so runs are comparable). */
function shuffledDeck(kinds) {
  const deck = kinds.flatMap((k) => Array(k.weight).fill(k));
  let seed = 0x2545f491;
  for (let i = deck.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [deck[i], deck[j]] = [deck[j], deck[i]];
  }
  return deck;
}

/** Keeps the first few failure descriptions for the report. */
function note(stats, text) {
  if (stats.examples.length < 10) stats.examples.push(text);
}

/**
 * One request over the keep-alive agent, path and headers sent as given.
 * @returns {Promise<{ status: number, text: string, json: any }>}
 */
function send(agent, base, { method, path, headers = {}, body, ownConnection }) {
  const { hostname, port } = new URL(base);
  const head = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: head, agent: ownConnection ? false : agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, text, json });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
