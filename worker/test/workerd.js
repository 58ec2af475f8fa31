// Starts the edge worker (or the pass-through worker) in real workerd through miniflare, bundled
// as wrangler would: esbuild with the `workerd` export condition first, the .wasm kept as a
// compiled-module import. Several workers can share one workerd process, each on its own port.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DECISION_EVENT } from "../src/decisions.js";

const WORKER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCRIPTS = { enforce: "src/index.js", passthrough: "bench/passthrough.js" };
const COMPATIBILITY_DATE = "2025-12-01";
const UNTIL_TIMEOUT_MS = 10_000;

/** Bundles per script, built once per process. */
const bundles = new Map();

/** The worker's modules: one ES module and the .wasm files it imports as compiled modules (as deployed). */
export function bundle(script) {
  if (!bundles.has(script)) bundles.set(script, buildBundle(SCRIPTS[script] ?? script));
  return bundles.get(script);
}

async function buildBundle(entry) {
  const wasm = new Map();
  const result = await build({
    entryPoints: [resolve(WORKER_DIR, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    external: ["cloudflare:*"],
    mainFields: ["module", "main"],
    outfile: join(WORKER_DIR, "dist/index.js"),
    write: false,
    logLevel: "silent",
    plugins: [{
      name: "wasm-module",
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = resolve(args.resolveDir, args.path);
          const name = `./${file.split("/").pop()}`;
          wasm.set(name, file);
          return { path: name, external: true };
        });
      },
    }],
  });
  return [
    { type: "ESModule", path: join(WORKER_DIR, "dist/index.js"), contents: result.outputFiles[0].text },
    ...[...wasm].map(([name, file]) => ({
      type: "CompiledWasm", path: join(WORKER_DIR, "dist", name), contents: readFileSync(file),
    })),
  ];
}

/**
 * The worker bindings for a spec: convenience fields become the documented vars; `vars` wins.
 * @param {WorkerSpec} spec
 */
function bindingsOf(spec) {
  const json = (v) => (v === undefined || typeof v === "string" ? v : JSON.stringify(v));
  const vars = {
    ORIGIN: spec.origin,
    POLICY: json(spec.policy),
    TENANT_POLICIES: json(spec.tenantPolicies),
    AUTH_KEYS: json(spec.authKeys),
    INVITE_KEY: json(spec.inviteKey),
    INVITE_KID: spec.inviteKid,
    TOKEN_ISSUER: spec.issuer,
    TOKEN_AUDIENCE: spec.audience,
    TOKEN_LEEWAY_SECONDS: spec.leewaySec?.toString(),
    TARGET_CACHE_SECONDS: spec.targetCacheSeconds?.toString(),
    TEST_CLOCK: spec.testClock ? "1" : undefined,
    DECISION_LOG: spec.decisionLog,
    ...spec.vars,
  };
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
}

/**
 * @typedef {object} WorkerSpec
 * @property {string} origin ORIGIN, e.g. a recording origin's `url`
 * @property {string} [script] "enforce" (default), "passthrough", or the path of another entry module
 * @property {object | string} [policy] POLICY: an object is JSON-encoded, a string is used as is
 * @property {Record<string, object> | string} [tenantPolicies] TENANT_POLICIES
 * @property {Record<string, string> | string} [authKeys] AUTH_KEYS ({ kid: secret })
 * @property {string | Record<string, string>} [inviteKey] INVITE_KEY (one secret, or { kid: secret })
 * @property {string} [inviteKid] INVITE_KID: the kid of a single-secret INVITE_KEY (default "invite")
 * @property {string} [issuer] TOKEN_ISSUER
 * @property {string} [audience] TOKEN_AUDIENCE
 * @property {number} [leewaySec] TOKEN_LEEWAY_SECONDS
 * @property {number} [targetCacheSeconds] TARGET_CACHE_SECONDS
 * @property {boolean} [testClock] TEST_CLOCK=1: honour `X-Test-Now` / NOW_MS (tests only)
 * @property {string} [decisionLog] DECISION_LOG: "on" (default), "off", or a fraction to sample
 * @property {boolean} [ledger] bind INVITATION_LEDGER to the worker's InvitationLedger Durable Object
 *   (storage in memory for this workerd, unless `ledgerDir`)
 * @property {string} [ledgerDir] with `ledger`: keep the Durable Objects' storage in this directory,
 *   so it survives a workerd restart (one directory per workerd)
 * @property {Record<string, string>} [vars] raw bindings, applied last (e.g. a broken POLICY)
 * @property {number} [port] loopback port, default 0 (any free one)
 */

/**
 * Starts one workerd hosting every spec's worker, each on its own loopback port.
 * `logs` collects what workerd printed (the worker's console output); `onLine` is called with each
 * complete line workerd writes to stdout (e.g. to keep the decision log).
 * @param {WorkerSpec[]} specs
 * `until(test)` resolves once `test(all output so far)` holds (checked as output arrives; 10 s at most).
 * @param {WorkerSpec[]} specs
 * @param {{ onLine?: (line: string) => void }} [options]
 * @returns {Promise<{ urls: string[], logs: string[], until(test: (output: string) => boolean): Promise<void>, stop(): Promise<void> }>}
 */
export async function startWorkers(specs, { onLine } = {}) {
  const logs = [];
  const waiters = new Set();
  const until = (test) => new Promise((resolve, reject) => {
    const waiter = () => {
      if (!test(logs.join(""))) return;
      waiters.delete(waiter);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new Error(`workerd output never matched; it was:\n${logs.join("")}`));
    }, UNTIL_TIMEOUT_MS);
    waiters.add(waiter);
    waiter();
  });
  const collect = (stream, echo, lines) => {
    let partial = "";
    stream.on("data", (chunk) => {
      const text = chunk.toString();
      logs.push(text);
      for (const waiter of [...waiters]) waiter();
      if (process.env.WORKER_LOGS) echo.write(chunk);
      if (!lines) return;
      const parts = (partial + text).split("\n");
      partial = parts.pop();
      for (const line of parts) lines(line);
    });
  };
  const workers = await Promise.all(specs.map(async (spec, i) => ({
    name: `worker${i}`,
    modules: await bundle(spec.script ?? "enforce"),
    modulesRoot: WORKER_DIR,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: bindingsOf(spec),
    ...((spec.ledger || spec.ledgerDir) && {
      durableObjects: { INVITATION_LEDGER: { className: "InvitationLedger", useSQLite: true } },
    }),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: spec.port ?? 0 }],
  })));
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    workers,
    durableObjectsPersist: specs.find((s) => s.ledgerDir)?.ledgerDir,
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout, process.stdout, onLine);
      collect(stderr, process.stderr);
    },
  });
  try {
    await mf.ready;
    const urls = await Promise.all(workers.map(async (w) => (await mf.unsafeGetDirectURL(w.name)).href));
    return { urls, logs, until, stop: () => mf.dispose() };
  } catch (err) {
    await mf.dispose();
    throw err;
  }
}

/**
 * `startWorkers` for specs by name: `url[name]` is each one's URL.
 * @param {Record<string, WorkerSpec>} specs
 * @param {{ onLine?: (line: string) => void }} [options]
 */
export async function startNamedWorkers(specs, options) {
  const workers = await startWorkers(Object.values(specs), options);
  return { ...workers, url: Object.fromEntries(Object.keys(specs).map((name, i) => [name, workers.urls[i]])) };
}

/**
 * Starts one worker in its own workerd.
 * @param {WorkerSpec} spec
 * @param {{ onLine?: (line: string) => void }} [options] as for `startWorkers`
 * @returns {Promise<{ url: string, logs: string[], until(test: (output: string) => boolean): Promise<void>, stop(): Promise<void> }>}
 */
export async function startWorker(spec, options) {
  const { urls, logs, until, stop } = await startWorkers([spec], options);
  return { url: urls[0], logs, until, stop };
}

/** The decision-log lines (worker/src/decisions.js) in workerd's output, parsed. */
export function decisionLines(output) {
  return output.split("\n").filter((line) => line.startsWith(`{"event":"${DECISION_EVENT}"`)).map((line) => JSON.parse(line));
}
