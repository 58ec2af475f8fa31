// workerd: the wasm arrives as a compiled module import; no fetch, no compile from bytes.
import module from "./edge/rolegate_bg.wasm";
import { initSync } from "./edge/rolegate.js";

initSync({ module });

export { default, initSync, parseJson, Policy, newAccount, RoleSet, InvitationWatch, Keyring } from "./edge/index.js";
