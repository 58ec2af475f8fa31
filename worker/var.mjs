import { startWorkers, startRecordingOrigin } from "/work/main/worker/test/harness.js";
import { baseSpec, tokenFor } from "/work/main/worker/test/fixtures.js";
import http from "node:http";
const origin = await startRecordingOrigin({ respond: () => ({ status: 201, body: "{}" }) });
const names = (process.env.NAMES ?? "passthrough,/tmp/variants/v_body.js,enforce").split(",");
const w = await startWorkers(names.map((script) => baseSpec(origin.url, { script })));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const token = tokenFor("acme", "carl");
const body = JSON.stringify({ email: "x@acme.test", roles: ["User"] });
function once(url) { const u = new URL(url); return new Promise((ok, ko) => { const t = process.hrtime.bigint(); const r = http.request({ host: u.hostname, port: u.port, method: "POST", path: "/api/tenants/acme/users", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => { res.resume(); res.on("end", () => ok([res.statusCode, Number(process.hrtime.bigint() - t) / 1e6])); }); r.on("error", ko); r.end(body); }); }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
const res = Object.fromEntries(names.map((n) => [n, []]));
for (let k = 0; k < 300; k++) for (const u of w.urls) await once(u);
for (let k = 0; k < 8000; k++) for (const [i, name] of names.entries()) { const [s, ms] = await once(w.urls[i]); if (s !== 201) throw new Error(name + s); res[name].push(ms); origin.requests.length = 0; }
for (const n of names) console.log(n.padEnd(32), "median", med([...res[n]]).toFixed(3), "p90", [...res[n]].sort((x, y) => x - y)[Math.floor(res[n].length * 0.9)].toFixed(3));
await w.stop(); await origin.close(); agent.destroy();
