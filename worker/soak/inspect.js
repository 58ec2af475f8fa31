// What the worker's isolate itself holds, read over workerd's V8 inspector (Chrome DevTools
// protocol): the JS heap after a forced full GC and the size of the isolate's wasm memories (the
// rolegate core's linear memory, which never shrinks, so any Rust-side leak shows there).
// workerd's RSS alone cannot tell: its native memory grows under load to a plateau whatever the
// worker (see soak/README.md). Miniflare starts workerd with no inspector unless asked through
// options the shared harness does not pass, so the soak points MINIFLARE_WORKERD_PATH (which
// miniflare honours) at a two-line wrapper adding `--inspector-addr`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Resolves packages as miniflare does: its own workerd binary and its `ws` client. */
const fromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare"));
const WebSocket = fromMiniflare("ws");
const CALL_TIMEOUT_MS = 5_000;

/**
 * Makes the next workerd that miniflare starts listen for the inspector on a free loopback port.
 * @returns {Promise<{ port: number, restore(): void }>}
 */
export async function enableInspector() {
  const port = await freePort();
  const binary = fromMiniflare("workerd").default;
  const dir = mkdtempSync(join(tmpdir(), "rolegate-soak-"));
  const wrapper = join(dir, "workerd");
  writeFileSync(wrapper, `#!/bin/sh\ncmd="$1"; shift\nexec '${binary}' "$cmd" --inspector-addr=127.0.0.1:${port} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const previous = process.env.MINIFLARE_WORKERD_PATH;
  process.env.MINIFLARE_WORKERD_PATH = wrapper;
  return {
    port,
    restore() {
      if (previous === undefined) delete process.env.MINIFLARE_WORKERD_PATH;
      else process.env.MINIFLARE_WORKERD_PATH = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A DevTools session on one worker's isolate (`worker0` is the harness's first worker). workerd
 * serves the protocol while the isolate is busy: measure under load.
 * @returns {Promise<{ measure(): Promise<{ heapUsed: number, wasmBytes: number }>, close(): void }>}
 */
export async function inspectIsolate(port, name = "worker0") {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/core:user:${name}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 0;
  const pending = new Map();
  let contextId;
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    if (msg.method === "Runtime.executionContextCreated") contextId = msg.params.context.id;
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  });
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++nextId;
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${method}: no answer`)); }, CALL_TIMEOUT_MS);
    pending.set(id, (msg) => {
      clearTimeout(timer);
      if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
      else resolve(msg.result);
    });
    ws.send(JSON.stringify({ id, method, params }));
  });

  let enabled = false;
  return {
    async measure() {
      if (!enabled) enabled = Boolean(await call("Runtime.enable")); // needed before Runtime.evaluate

      // With Runtime enabled, the inspector keeps every console.log argument (the decision log's
      // objects) for its client: drop those, so the figure is the worker's own heap.
      await call("Runtime.discardConsoleEntries");
      await call("Runtime.releaseObjectGroup", { objectGroup: "console" });
      await call("HeapProfiler.collectGarbage");
      const { usedSize } = await call("Runtime.getHeapUsage");
      const proto = await call("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype", contextId });
      const { objects } = await call("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
      const sizes = await call("Runtime.callFunctionOn", {
        objectId: objects.objectId, returnByValue: true,
        functionDeclaration: "function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }",
      });
      await call("Runtime.releaseObject", { objectId: objects.objectId });
      return { heapUsed: usedSize, wasmBytes: sizes.result.value };
    },
    close: () => ws.close(),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
