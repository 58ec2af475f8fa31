/**
 * The edge budget (issue 3): the enforcing worker against the pass-through worker, both in one real workerd
 * (the worker's own harness), in front of the same minimal loopback origin, loaded with `wrk`. A protected
 * request that needs no origin lookup: POST add-user by a UserManager. Latency at one connection (what the
 * worker adds per request) and throughput at several connections, alternating short rounds so drift hits
 * both; the added latency and the throughput ratio are medians of each round's own difference and ratio
 * (the pass-through and enforcing runs of a round are back to back), which a shared machine's load moves
 * less than a difference of medians.
 * A third series, the same request refused (a CustomerAdmin grant: every check, nothing forwarded), separates
 * the cost of the checks from the cost of forwarding. The enforcing worker of the budget trusts the token's
 * roles (ACTOR_CHECK=token); a fourth series, the default ACTOR_CHECK=origin, also reads the actor's current
 * record from origin (for an add, one more origin round trip before forwarding): the freshness check, taken
 * round by round against the third as the budget is against pass-through.
 * The actor token is an ES256 access token from a real OpenID Provider (the worker's test provider), its key
 * set found through AUTH_ISSUER and cached after the warm-up; a cold key fetch is measured apart (`coldKeys`).
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Keyring } from "rolegate";
import { median } from "./format.js";

const run = promisify(execFile);
const HARNESS = new URL("../../worker/test/harness.js", import.meta.url);
const PROVIDER = new URL("../../worker/test/provider.js", import.meta.url);
const TENANT = "acme";
/** HS256 key of the cold-fetch workers: an HS256 request warms an isolate without touching its key set. */
const KEYS = { bench: "bench-only-hmac-key-0123456789abcdef" };
const COLD_ISOLATES = 5;

/** The actor's record, as origin answers the edge's lookup of it. */
const ACTOR = { id: "mona", roles: ["UserManager", "User"] };

/**
 * An origin that answers every request at once (201 after reading the body; a GET, the actor's record): its
 * cost is the same for every worker.
 */
async function fastOrigin() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => req.method === "GET"
      ? res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ACTOR))
      : res.writeHead(201, { "content-type": "application/json" }).end('{"id":"new"}'));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }) };
}

/** Parses wrk's `--latency` report: median latency (ms) and requests per second. */
function parseWrk(out) {
  const unit = { us: 1e-3, ms: 1, s: 1000 };
  const p50 = out.match(/^\s+50%\s+([\d.]+)(us|ms|s)\s*$/m);
  const rps = out.match(/^Requests\/sec:\s+([\d.]+)/m);
  const non2xx = out.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  if (!p50 || !rps) throw new Error(`edge: cannot read wrk output:\n${out}`);
  return { p50Ms: Number(p50[1]) * unit[p50[2]], rps: Number(rps[1]), non2xx: non2xx ? Number(non2xx[1]) : 0 };
}

/** Runs wrk (asynchronously: the origin answers from this process); every response must be 2xx, or none when `refusals`. */
async function wrk(url, script, connections, seconds, refusals = false) {
  const { stdout } = await run("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url], { timeout: (seconds + 30) * 1000 });
  const result = parseWrk(stdout);
  const total = Number(stdout.match(/(\d+) requests in/)?.[1] ?? 0);
  if (total === 0) throw new Error(`edge: no request to ${url} completed`);
  if (refusals ? result.non2xx !== total : result.non2xx > 0) throw new Error(`edge: unexpected statuses from ${url} (${result.non2xx} of ${total} not 2xx)`);
  return result;
}


/**
 * What enforcing costs, round by round: the median of each round's added latency (ms) and of each round's
 * throughput ratio, so load that shifts a whole round shifts neither.
 * @param {{ latencyRounds: number[], rpsRounds: number[] }} enforce  @param {typeof enforce} passthrough
 */
export function pairedCost(enforce, passthrough) {
  return {
    addedMs: median(enforce.latencyRounds.map((ms, r) => ms - passthrough.latencyRounds[r])),
    throughputRatio: median(enforce.rpsRounds.map((rps, r) => rps / passthrough.rpsRounds[r])),
  };
}

/** @returns {Promise<object>} latency and throughput for both workers, or `{ skipped }` with the reason */
export async function edgeBench({ policyText, rounds = 7, seconds = 2, connections = 16 } = {}) {
  let harness, oidc;
  try {
    [harness, oidc] = await Promise.all([import(HARNESS), import(PROVIDER)]);
  } catch (err) {
    return { skipped: `worker harness not loadable (${err.code ?? err.message}); run make -C worker first` };
  }
  const [origin, idp] = await Promise.all([fastOrigin(), oidc.startProvider({ accounts: { [ACTOR.id]: { tenant: TENANT, roles: ACTOR.roles } } })]);
  const token = await idp.mint({ sub: ACTOR.id, alg: "ES256", expiresIn: 3600 });
  const auth = { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: oidc.DEFAULT_AUDIENCE };
  const luaScript = (role) => {
    const file = join(tmpdir(), `rolegate-bench-${process.pid}-${role}.lua`);
    writeFileSync(file, [
      'wrk.method = "POST"',
      `wrk.body = ${JSON.stringify(JSON.stringify({ email: "new@acme.test", roles: [role] }))}`,
      'wrk.headers["Content-Type"] = "application/json"',
      `wrk.headers["Authorization"] = "Bearer ${token}"`,
    ].join("\n"));
    return file;
  };
  const [accepted, refused] = [luaScript("User"), luaScript("CustomerAdmin")];
  const cold = { script: "enforce", origin: origin.url, policy: policyText, authKeys: KEYS, decisionLog: "off", vars: auth };
  const workers = await harness.startWorkers([
    { script: "enforce", origin: origin.url, policy: policyText, vars: { ...auth, ACTOR_CHECK: "token" } },
    { script: "passthrough", origin: origin.url },
    { script: "enforce", origin: origin.url, policy: policyText, vars: auth },
    ...Array.from({ length: COLD_ISOLATES }, () => cold),
  ]);
  try {
    const [enforce, passthrough, fresh] = workers.urls.slice(0, 3).map((u) => new URL(`/api/tenants/${TENANT}/users`, u).href);
    const series = {
      passthrough: [passthrough, accepted, false], enforce: [enforce, accepted, false], refused: [enforce, refused, true],
      fresh: [fresh, accepted, false],
    };
    const samples = Object.fromEntries(Object.keys(series).map((k) => [k, { latency: [], throughput: [] }]));
    for (const [url, script, refusals] of Object.values(series)) await wrk(url, script, 4, 1, refusals);
    for (let r = 0; r < rounds; r++) {
      for (const [name, [url, script, refusals]] of Object.entries(series)) {
        samples[name].latency.push((await wrk(url, script, 1, seconds, refusals)).p50Ms);
        samples[name].throughput.push((await wrk(url, script, connections, seconds, refusals)).rps);
      }
    }
    const summary = (s) => ({ p50Ms: median(s.latency), rps: median(s.throughput), latencyRounds: s.latency, rpsRounds: s.throughput });
    const [p, e, x, f] = Object.keys(series).map((k) => summary(samples[k]));
    return { request: `POST /api/tenants/${TENANT}/users (add a User, actor UserManager, ES256 access token)`, connections, seconds, rounds,
      enforce: e, passthrough: p, refused: x, fresh: f,
      ...pairedCost(e, p), freshness: pairedCost(f, e),
      coldKeys: await coldKeyFetch(workers.urls.slice(3), idp) };
  } finally {
    await workers.stop();
    await Promise.all([origin.close(), idp.close()]);
    for (const file of [accepted, refused]) rmSync(file, { force: true });
  }
}

/**
 * A cold key fetch, per isolate that has not fetched its key set yet: each is first warmed with an HS256
 * request (policy compiled, wasm instantiated, no key set needed); then the first ES256 request (discovery
 * and JWK Set fetched, then verified) against the next one with another token (verified, keys cached).
 * @returns {Promise<{ isolates: number, firstMs: number, nextMs: number, addedMs: number, fetches: object }>}
 */
async function coldKeyFetch(urls, idp) {
  const keyring = new Keyring(KEYS, {});
  const hs256 = keyring.signActor({ sub: ACTOR.id, tenant: TENANT, roles: ACTOR.roles, exp: Math.floor(Date.now() / 1000) + 3600 }, "bench");
  const before = { ...idp.counts };
  const first = [];
  const next = [];
  for (const url of urls) {
    await timedAdd(url, hs256);
    first.push(await timedAdd(url, await idp.mint({ sub: ACTOR.id, alg: "ES256" })));
    next.push(await timedAdd(url, await idp.mint({ sub: ACTOR.id, alg: "ES256" })));
  }
  const fetches = { discovery: idp.counts.discovery - before.discovery, jwks: idp.counts.jwks - before.jwks };
  return { isolates: urls.length, firstMs: median(first), nextMs: median(next), addedMs: median(first.map((f, i) => f - next[i])), fetches };
}

/** One add-user request, its time in ms; it must be forwarded (201). */
async function timedAdd(url, token) {
  const started = performance.now();
  const res = await fetch(new URL(`/api/tenants/${TENANT}/users`, url), {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ email: "new@acme.test", roles: ["User"] }),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`edge: cold key fetch: ${url} answered ${res.status}`);
  return performance.now() - started;
}
