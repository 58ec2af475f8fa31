// What every consumer asks the package, the same way in each runtime and bundle; the tests compare the
// answers with known ones (ANSWERS). The policy is inline so that no bundler needs a JSON loader.
export const POLICY = `{
  "version": 1,
  "features": { "reports": { "levels": ["none", "own", "all"] }, "users": { "levels": ["none", "manage"] } },
  "roles": {
    "User":          { "grants": { "reports": "own" } },
    "ReportViewer":  { "grants": { "reports": "all" } },
    "UserManager":   { "grants": { "users": "manage" } },
    "CustomerAdmin": { "grants": { "*": "max" }, "includes": ["User", "ReportViewer", "UserManager"] }
  },
  "grantRule": "held",
  "userAdmin": { "feature": "users", "level": "manage" }
}`;

/** The answers of one entry (`rolegate` imported as a namespace, its wasm loaded). */
export function answers(rolegate) {
  const policy = rolegate.Policy.fromJson(POLICY);
  const uma = { id: "uma", roles: ["UserManager", "User"] };
  const decision = policy.checkGrant({ actor: uma, target: null, roles: ["User", "ReportViewer"] });
  let invalid;
  try {
    rolegate.Policy.fromJson('{ "version": 1 }');
  } catch (e) {
    invalid = `${e.code}: ${e.errors.map((i) => i.path).join(", ")}`;
  }
  return {
    reports: policy.effective(uma.roles).reports,
    grantable: policy.grantableRoles(uma),
    refused: decision.reasons.map((r) => `${r.code}:${r.role}`),
    invalid,
    keyring: typeof rolegate.Keyring,
  };
}

/** The answers every entry gives; `keyring` is "undefined" in the browser build (no token code). */
export const ANSWERS = {
  reports: "own",
  grantable: ["User", "UserManager"],
  refused: ["role_not_held:ReportViewer"],
  invalid: "invalid_policy: features, roles, userAdmin",
};
