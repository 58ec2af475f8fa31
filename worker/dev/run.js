// `make run`: the edge worker on workerd in front of a small local origin (the recording origin,
// seeded with the demo's people): product A at tenant acme, product B at tenant globex. Keys are random
// per run and never printed; the printed tokens are demo actor tokens valid for 8 hours.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Keyring } from "rolegate";
import { startRecordingOrigin, startWorker } from "../test/harness.js";

const example = (name) => JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), "utf8"));
/** The same people as `make demo` (examples/demo-people.json): product A at acme, product B at globex. */
const TENANTS = example("demo-people").tenants;
const USERS = Object.fromEntries(TENANTS.map((t) => [t.tenant, t.users.map(({ id, name, email, roles }) => ({ id, name, email, roles }))]));

const authKeys = { "dev-1": randomBytes(32).toString("base64url") };
const origin = await startRecordingOrigin({ users: USERS, onRequest: (r) => console.log(`origin <- ${r.method} ${r.url}`) });
const worker = await startWorker({
  origin: origin.url,
  policy: example(TENANTS[0].product),
  tenantPolicies: Object.fromEntries(TENANTS.map((t) => [t.tenant, example(t.product)])),
  authKeys,
  inviteKey: randomBytes(32).toString("base64url"),
  ledger: true,
  port: Number(process.env.PORT ?? 8787),
}, { onLine: (line) => console.log(line) }); // the worker's output: its decision log among it

const keyring = new Keyring(authKeys, {});
const exp = Math.floor(Date.now() / 1000) + 8 * 3600;
const url = worker.url.replace(/\/$/, "");
console.log(`rolegate edge worker: ${url}  (origin ${origin.url}; Ctrl-C stops both)\n`);
// Tokens for the people whose account is enabled.
for (const { tenant, users } of TENANTS) {
  for (const u of users.filter((p) => p.account === "enabled")) {
    console.log(`export TOKEN_${u.id.toUpperCase()}=${keyring.signActor({ sub: u.id, tenant, roles: u.roles, exp }, "dev-1")}  # ${tenant}: ${u.roles.join(", ")}`);
  }
}
console.log(`\ncurl -i -X POST ${url}/api/tenants/globex/users -H "authorization: Bearer $TOKEN_SUE" \\
  -H 'content-type: application/json' -d '{"email":"new@globex.test","roles":["Administrator"]}'\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  await origin.close();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
