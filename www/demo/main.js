// `make demo`: starts the demo stack in the foreground, prints the one URL to open, stops on Ctrl-C.
import { fileURLToPath } from "node:url";
import { startStack } from "./stack.js";

const dataDir = process.env.DATA_DIR || fileURLToPath(new URL("../.data", import.meta.url));
const port = Number(process.env.PORT ?? 8787);
// The provider's port is part of its issuer URL: fixed (next to the console's), so that a restart keeps it.
const providerPort = Number(process.env.OIDC_PORT ?? (port === 0 ? 0 : port + 1));

const stack = await startStack({ dataDir, port, providerPort });
console.log(`\nrolegate demo (data in ${dataDir}; sign-in at ${stack.issuer}; Ctrl-C stops it)\n\n  Open ${stack.url}/\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
