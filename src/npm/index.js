// The entry of the builds with token code (copied to pkg/edge/index.js and pkg/full/index.js): the public API,
// listed. The binding's `Engine` stays internal: only `Policy` (./policy.js) calls it.
export { default, initSync, parseJson, RoleSet, InvitationWatch, Keyring } from "./rolegate.js";
export { Policy, newAccount } from "./policy.js";
