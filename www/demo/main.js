// `make demo`: starts the demo stack in the foreground, prints the one URL to open, stops on Ctrl-C.
// A port already in use is one line, not a stack trace: the URL when it is a running demo.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { DEMO_PEOPLE } from "./policies.js";

const dataDir = process.env.DATA_DIR || fileURLToPath(new URL("../.data", import.meta.url));
const port = Number(process.env.PORT ?? 8787);
// The provider's port is part of its issuer URL: fixed (next to the console's), so that a restart keeps it.
const providerPort = Number(process.env.OIDC_PORT ?? (port === 0 ? 0 : port + 1));
// INVITATION_TTL=2m: every tenant's invitation window, so a (re-)sent invitation can be watched expiring.
const ttl = process.env.INVITATION_TTL;
const overrides = ttl ? Object.fromEntries(DEMO_PEOPLE.map((t) => [t.tenant, { invitationTtl: ttl }])) : {};

if (port !== 0 && await inUse(port)) {
  const url = `http://127.0.0.1:${port}`;
  if (await isDemo(url)) {
    console.log(`rolegate demo: already running at ${url}/ (PORT=9000 make demo starts another)`);
    process.exit(0);
  }
  console.error(`rolegate demo: port ${port} is in use by another program; PORT=9000 make demo picks another`);
  process.exit(1);
}
if (providerPort !== 0 && await inUse(providerPort)) {
  console.error(`rolegate demo: port ${providerPort} (the sign-in provider's) is in use by another program; `
    + "OIDC_PORT=9001 make demo picks another");
  process.exit(1);
}

// Loaded only now: oidc-provider warns on import about Node 20 (it works), which a busy port need not print.
const { startStack } = await import("./stack.js");
let stack;
try {
  stack = await startStack({ dataDir, port, providerPort, overrides });
} catch (err) {
  if (err.code !== "invalid_policy" || !ttl) throw err;
  console.error(`rolegate demo: INVITATION_TTL=${ttl}: ${err.errors.map((e) => e.message).join("; ")}`);
  process.exit(1);
}
console.log(`\nrolegate demo (data in ${dataDir}; sign-in at ${stack.issuer}; Ctrl-C stops it)\n\n  Open ${stack.url}/\n`);

// Ctrl-C ends the demo cleanly (exit 0: make prints no error). The signal reaches the whole process group,
// workerd included; miniflare's own handlers would exit 130 at once, so these are the only ones. After the
// stack stops, the process ends by itself once miniflare has removed its temporary files (or after a
// moment). A second Ctrl-C while stopping exits at once.
let stopping = false;
const stop = async () => {
  if (stopping) process.exit(0);
  stopping = true;
  await stack.stop();
  setTimeout(() => process.exit(0), 2000).unref();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.removeAllListeners(signal);
  process.on(signal, stop);
}

/** True when something already listens on the loopback `port`. */
function inUse(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (err) => (err.code === "EADDRINUSE" ? resolve(true) : reject(err)));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(false)));
  });
}

/** True when `url` answers like a rolegate demo (its policies endpoint). */
async function isDemo(url) {
  try {
    const res = await fetch(`${url}/demo/policies`, { signal: AbortSignal.timeout(2000) });
    return res.ok && Array.isArray((await res.json()).tenants);
  } catch {
    return false;
  }
}
