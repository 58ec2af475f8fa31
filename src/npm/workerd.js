// workerd: the wasm arrives as a compiled module import; no fetch, no compile from bytes.
import module from "./full/rolegate_bg.wasm";
import { initSync } from "./full/rolegate.js";

initSync({ module });

export * from "./full/index.js";
export { default } from "./full/index.js";
