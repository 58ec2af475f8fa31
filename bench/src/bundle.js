/**
 * Download size per engine: what a browser or worker fetches. Each engine's adapter (its library plus the few
 * lines of glue the benchmark uses) is bundled with esbuild for the browser, minified; wasm engines add the
 * `.wasm` file they fetch beside it. Sizes raw, gzip -9 and brotli -11. The rolegate package's own entries
 * (browser and workerd) are measured alone, each with the `.wasm` its exports map serves.
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

/** A package file named as an importer names it (`rolegate/rolegate_bg.wasm`), through the package's exports map. */
export const packageFile = (specifier) => fileURLToPath(import.meta.resolve(specifier));

/**
 * Bundles an entry (a file, or source text given as `contents`) for the browser, or for workerd with
 * `conditions: ["workerd"]` (its `.wasm` import stays external: it is counted beside the bundle); returns
 * the minified JS and the files bundled (paths relative to bench/).
 */
async function bundleJs(entry, { alias = {}, conditions } = {}) {
  const input = typeof entry === "string" ? { entryPoints: [entry] }
    : { stdin: { contents: entry.contents, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" } };
  const out = await esbuild.build({
    ...input, bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", write: false, metafile: true,
    // casbin's file adapter imports "fs" lazily; a browser build leaves it out.
    alias, external: ["fs", "*.wasm"], logLevel: "error", nodePaths: [NODE_MODULES], ...(conditions ? { conditions } : {}),
  });
  return { js: out.outputFiles[0].contents, inputs: Object.keys(out.metafile.inputs) };
}

/** @param {import("./engines/kit.js").Engine} engine  @param {string} id */
export async function engineBundle(id, engine) {
  const alias = engine.browserEntry ? { [engine.browserEntry.replace(/\/web$/, "/nodejs")]: engine.browserEntry } : {};
  const js = sizes((await bundleJs(fileURLToPath(new URL(`./engines/${id}.js`, import.meta.url)), { alias })).js);
  const wasm = engine.browserWasm ? sizes(readFileSync(NODE_MODULES + engine.browserWasm)) : null;
  return { js, wasm, total: wasm ? add(js, wasm) : js };
}

const WHOLE_PACKAGE = { contents: 'export * from "rolegate"; export { default } from "rolegate";' };

/**
 * The rolegate package alone (all of one entry's JS plus its wasm): the browser entry (what `rolegate`
 * resolves to for the browser, with `rolegate/rolegate_bg.wasm`: issues 5 and 10) and the workerd entry
 * (conditions ["workerd"], with `rolegate/edge/rolegate_bg.wasm`: issue 10).
 */
export async function rolegatePackage() {
  const entry = async (options, wasmSpecifier) => {
    const { js, inputs } = await bundleJs(WHOLE_PACKAGE, options);
    const wasm = sizes(readFileSync(packageFile(wasmSpecifier)));
    const jsSizes = sizes(js);
    return { js: jsSizes, wasm, total: add(jsSizes, wasm), inputs, wasmFile: wasmSpecifier };
  };
  return {
    browser: await entry({}, "rolegate/rolegate_bg.wasm"),
    workerd: await entry({ conditions: ["workerd"] }, "rolegate/edge/rolegate_bg.wasm"),
  };
}
