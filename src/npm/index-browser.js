// The browser build's entry (copied to pkg/browser/index.js): the public API, listed. This build has no token
// code (a console never signs or verifies tokens), so it lists no key ring. The binding's `Engine` stays internal.
export { default, initSync, parseJson, RoleSet, InvitationWatch } from "./rolegate.js";
export { Policy, newAccount } from "./policy.js";
