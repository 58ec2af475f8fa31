// browsers and bundlers: `init()` fetches the browser build's wasm beside its glue. Under Node (jsdom test
// environments resolve this entry) `fetch` has no `file:` URLs, so there `init()` reads the file instead.
import load from "./browser/index.js";

export * from "./browser/index.js";

/** Loads the wasm once per page (later calls return the same instance); `input` as wasm-bindgen's `init`. */
export default function init(input) {
  if (input === undefined && import.meta.url.startsWith("file:")) {
    const fs = globalThis.process?.getBuiltinModule?.("node:fs");
    if (fs) return load({ module_or_path: fs.promises.readFile(new URL("./browser/rolegate_bg.wasm", import.meta.url)) });
  }
  return load(input);
}
