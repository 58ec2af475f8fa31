/** The engines, in table order. Each module's default export is an `Engine` (see kit.js). */
export const ENGINE_IDS = ["rolegate-compiled", "rolegate-names", "plain", "casl", "accesscontrol", "casbin", "cedar"];
