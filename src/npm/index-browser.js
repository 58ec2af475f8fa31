// The browser build's entry (copied to pkg/browser/index.js): the public API, listed. This build has no token
// code (a console never signs or verifies tokens), so it lists no key ring. The binding's `Engine` stays internal.
import load from "./rolegate.js";

export { initSync, parseJson, RoleSet, InvitationWatch } from "./rolegate.js";
export { Policy, newAccount } from "./policy.js";

/**
 * Loads the wasm once per page (later calls return the same instance); `input` as wasm-bindgen's `init`. Given
 * none under Node (jsdom test environments resolve this entry), it reads the file: Node's `fetch` has no `file:`.
 */
export default function init(input) {
  if (input === undefined && import.meta.url.startsWith("file:")) {
    const fs = globalThis.process?.getBuiltinModule?.("node:fs");
    if (fs) return load({ module_or_path: fs.promises.readFile(new URL("./rolegate_bg.wasm", import.meta.url)) });
  }
  return load(input);
}
