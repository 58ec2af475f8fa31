/**
 * Download size per engine: what a browser or worker fetches. Each engine's adapter (its library plus the few
 * lines of glue the benchmark uses) is bundled with esbuild for the browser, minified; wasm engines add the
 * `.wasm` file they fetch beside it. Sizes raw, gzip -9 and brotli -11.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const NODE_MODULES = fileURLToPath(new URL("../node_modules/", import.meta.url));

/** @returns {{ raw: number, gzip: number, brotli: number }} */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });

/** Bundles an entry (a file, or source text given as `contents`) for the browser; returns the minified JS. */
async function bundleJs(entry, alias = {}) {
  const input = typeof entry === "string" ? { entryPoints: [entry] }
    : { stdin: { contents: entry.contents, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" } };
  const out = await esbuild.build({
    ...input, bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", write: false,
    // casbin's file adapter imports "fs" lazily; a browser build leaves it out.
    alias, external: ["fs"], logLevel: "error", nodePaths: [NODE_MODULES],
  });
  return out.outputFiles[0].contents;
}

/** @param {import("./engines/kit.js").Engine} engine  @param {string} id */
export async function engineBundle(id, engine) {
  const alias = engine.browserEntry ? { [engine.browserEntry.replace(/\/web$/, "/nodejs")]: engine.browserEntry } : {};
  const js = sizes(await bundleJs(fileURLToPath(new URL(`./engines/${id}.js`, import.meta.url)), alias));
  const wasm = engine.browserWasm ? sizes(readFileSync(NODE_MODULES + engine.browserWasm)) : null;
  return { js, wasm, total: wasm ? add(js, wasm) : js };
}

/** The rolegate package alone (all of its JS glue plus the wasm): issue 5's size target. */
export async function rolegatePackage() {
  const js = sizes(await bundleJs({ contents: 'export * from "rolegate"; export { default } from "rolegate";' }));
  const wasm = sizes(readFileSync(NODE_MODULES + "rolegate/rolegate_bg.wasm"));
  return { js, wasm, total: add(js, wasm) };
}
