/**
 * The edge budget (issue 3): the enforcing worker against the pass-through worker, both in one real workerd
 * (the worker's own harness), in front of the same minimal loopback origin, loaded with `wrk`. A protected
 * request that needs no origin lookup: POST add-user by a UserManager. Latency at one connection (what the
 * worker adds per request) and throughput at several connections, alternating rounds so drift hits both.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Keyring } from "rolegate";

const run = promisify(execFile);
const HARNESS = new URL("../../worker/test/harness.js", import.meta.url);
const TENANT = "acme";
const KEYS = { bench: "bench-only-hmac-key-0123456789abcdef" };

/** An origin that answers every request at once (201 after reading the body): its cost is the same for both workers. */
async function fastOrigin() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(201, { "content-type": "application/json" }).end('{"id":"new"}'));
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

async function wrk(url, script, connections, seconds) {
  const { stdout } = await run("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url], { timeout: (seconds + 30) * 1000 });
  const result = parseWrk(stdout);
  if (result.non2xx > 0) throw new Error(`edge: ${result.non2xx} requests to ${url} were not accepted`);
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** @returns {Promise<object>} latency and throughput for both workers, or `{ skipped }` with the reason */
export async function edgeBench({ policyText, rounds = 3, seconds = 4, connections = 16 } = {}) {
  let harness;
  try {
    harness = await import(HARNESS);
  } catch (err) {
    return { skipped: `worker harness not loadable (${err.code ?? err.message}); run make -C worker first` };
  }
  const origin = await fastOrigin();
  const keyring = new Keyring(KEYS, {});
  const token = keyring.signActor({ sub: "mona", tenant: TENANT, roles: ["UserManager", "User"], exp: Math.floor(Date.now() / 1000) + 3600 }, "bench");
  const script = join(tmpdir(), `rolegate-bench-${process.pid}.lua`);
  writeFileSync(script, [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(JSON.stringify({ email: "new@acme.test", roles: ["User"] }))}`,
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.headers["Authorization"] = "Bearer ${token}"`,
  ].join("\n"));
  const workers = await harness.startWorkers([
    { script: "enforce", origin: origin.url, policy: policyText, authKeys: KEYS },
    { script: "passthrough", origin: origin.url },
  ]);
  try {
    const [enforce, passthrough] = workers.urls.map((u) => new URL(`/api/tenants/${TENANT}/users`, u).href);
    const refused = await fetch(enforce, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ email: "x@acme.test", roles: ["CustomerAdmin"] }) });
    if (refused.status !== 403) throw new Error(`edge: the enforcing worker should refuse a CustomerAdmin grant by a UserManager, got ${refused.status}`);
    const samples = { enforce: { latency: [], throughput: [] }, passthrough: { latency: [], throughput: [] } };
    await wrk(enforce, script, 4, 1);
    await wrk(passthrough, script, 4, 1);
    for (let r = 0; r < rounds; r++) {
      for (const [name, url] of [["passthrough", passthrough], ["enforce", enforce]]) {
        samples[name].latency.push((await wrk(url, script, 1, seconds)).p50Ms);
        samples[name].throughput.push((await wrk(url, script, connections, seconds)).rps);
      }
    }
    const summary = (s) => ({ p50Ms: median(s.latency), rps: median(s.throughput), latencyRounds: s.latency, rpsRounds: s.throughput });
    const e = summary(samples.enforce);
    const p = summary(samples.passthrough);
    return { request: `POST /api/tenants/${TENANT}/users (add a User, actor UserManager)`, connections, seconds, rounds,
      enforce: e, passthrough: p, addedMs: e.p50Ms - p.p50Ms, throughputRatio: e.rps / p.rps };
  } finally {
    await workers.stop();
    await origin.close();
  }
}
