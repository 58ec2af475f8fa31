// node: load the wasm synchronously so `import { Policy } from "rolegate"` is ready at once.
import { readFileSync } from "node:fs";
import { initSync } from "./full/rolegate.js";

initSync({ module: readFileSync(new URL("./full/rolegate_bg.wasm", import.meta.url)) });

export { default, initSync, parseJson, Policy, newAccount, RoleSet, InvitationWatch, Keyring } from "./full/index.js";
