// Where the enforcing worker's CPU goes per request, piece by piece, in real workerd: each piece of
// bench/pieces.js runs N times inside one request while workerd's CPU time (user + system, from /proc) is
// read around it. CPU time is what a saturated workerd spends per request, and it moves much less than
// wall time when other processes share the machine. Medians of 5 alternating rounds.
// Usage: node bench/pieces-run.js [n=5000]
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { startWorkers } from "../test/workerd.js";
import { DEFAULT_AUDIENCE, startProvider } from "../test/provider.js";

const n = Number(process.argv[2] ?? 5000);
const PIECES = ["request", "classify", "authenticate", "verify", "body", "decide", "log", "forward"];
const policy = readFileSync(new URL("../../examples/product-a.json", import.meta.url), "utf8");

const origin = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(201, { "content-type": "application/json" }).end('{"id":"new"}'));
});
await new Promise((ok) => origin.listen(0, "127.0.0.1", ok));
const idp = await startProvider({ accounts: { mona: { tenant: "acme", roles: ["UserManager", "User"] } } });
const token = await idp.mint({ sub: "mona", alg: "ES256", expiresIn: 3600 });
const workers = await startWorkers([{
  script: "bench/pieces.js", origin: `http://127.0.0.1:${origin.address().port}`, policy,
  vars: { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: DEFAULT_AUDIENCE },
}]);
/** The workerd process this one started. */
const workerd = readdirSync("/proc").find((pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.includes("(workerd)") && stat.split(") ")[1].split(" ")[1] === String(process.pid);
  } catch {
    return false;
  }
});
const cpuUs = () => {
  const fields = readFileSync(`/proc/${workerd}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 1e6 / 100;
};
/** µs of workerd CPU per run of `piece`. */
async function run(piece, times) {
  const before = cpuUs();
  const res = await fetch(`${workers.urls[0]}?piece=${piece}&n=${times}`, { headers: { "x-token": token } });
  if (res.status !== 200) throw new Error(`pieces: ${piece}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return (cpuUs() - before) / times;
}

try {
  for (const piece of PIECES) await run(piece, Math.ceil(n / 10));
  const samples = Object.fromEntries(PIECES.map((p) => [p, []]));
  for (let round = 0; round < 5; round++) {
    for (const piece of PIECES) samples[piece].push(await run(piece, piece === "forward" || piece === "verify" ? Math.ceil(n / 10) : n));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[2];
  console.log(`workerd CPU per run, medians of 5 rounds (n = ${n}; forward and verify ${Math.ceil(n / 10)}):`);
  for (const piece of PIECES) console.log(`${piece.padEnd(13)} ${median(samples[piece]).toFixed(1).padStart(7)} µs`);
} finally {
  await workers.stop();
  await idp.close();
  origin.close();
}
