// Compiled with `tsc --strict`: every public call has a real type (a wrong use below would fail the build).
import init, { Policy, Keyring, newAccount, type Messages, type Action, type Decision, type AccountStatus, type Issue, type RoleSet, type RolegateError,
  type Reach, type Delegation, type Diff, type Change, type UserChange } from "rolegate";

await init();
const policy: Policy = Policy.fromJson({ version: 1 });
const decision: Decision = policy.checkGrant({ actor: { id: "a", roles: ["User"] }, target: null, roles: ["User"] });
const allowed: boolean = decision.allowed;
const codes: string[] = decision.reasons.map((r) => r.code + (r.role ?? "") + (r.needed ?? ""));
const ignored: string[] | undefined = decision.ignored;
const levels: Record<string, string> = policy.effective(["User"]);
const editor: boolean = policy.mayEditPolicy(["User"]);
const status: AccountStatus = policy.accountStatus(
  { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1, acceptedAt: null }, 2);
const s: "pending-invite" | "invited" | "expired-invitation" | "enabled" | "disabled" | "sso-only" = status.status;
const expires: number | null = status.expiresAt;
const warnings: Issue[] = policy.warnings();
const set: RoleSet = policy.compileRoles(["User"]);
const fast: boolean = set.allows(policy.featureId("reports"), policy.levelId("reports", "own"));
const watch = policy.watchInvitation(
  { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1, acceptedAt: null }, 2,
  (next: AccountStatus) => void next.status);
watch.cancel();
const ring = new Keyring({ k1: "0123456789abcdef0123456789abcdef" }, { leewaySec: 30 });
const claims = ring.verifyActor("t", 0);
const roles: string[] = claims.roles;
const rule: "held" | "rank" | "covered" = policy.grantRule;
let located: string | undefined;
try {
  policy.checkGrant({ actor: { id: "a", roles: [] }, target: null, roles: [] });
} catch (e) {
  const err = e as RolegateError;
  located = `${err.code} ${err.path ?? ""} ${err.reason ?? ""} ${(err.errors ?? []).map((i: Issue) => i.path).join()}`;
}
const placed: number | undefined = warnings[0]?.line ?? warnings[0]?.column;
const reach: Reach[] = policy.whoCan("reports", "all");
const via: string[] = reach[0].via;
const graph: Delegation = policy.delegation();
const grantable: string[] = graph.grants[0].roles;
const escalations: string[] = graph.escalations.map((e) => `${e.granter} ${e.role} ${e.feature} ${e.needed} ${e.held}`);
const impact: Diff = Policy.diff(policy, policy, [{ id: "u", roles: ["User"] }]);
const alone: Diff = Policy.diff(policy, policy);
const changed: string[] = impact.changes.map((c: Change) => c.code + (c.granter ?? "") + (c.role ?? "") + (c.setting ?? "") + (c.from ?? ""));
const gains: UserChange[] = alone.users.filter((u) => u.code === "user_gains" && u.to !== u.from);
const de: Messages = { self_remove: "nein" };
const worded: Policy = Policy.fromJson({ version: 1 }, { messages: de, cacheSize: 8 });
const action: Action = "disable";
const last: Decision = worded.check(action, { actor: { id: "a", roles: [] }, target: { id: "b", roles: [] }, others: 0 });
const counted: Decision = worded.checkRemove({ actor: { id: "a", roles: [] }, target: { id: "b", roles: [] }, others: [{ id: "c", roles: [] }] });
const matters: boolean = worded.takesUserAdmin("roles", { target: { id: "b", roles: [] }, roles: [] });
const said: string = worded.describe(impact.changes[0]);
const fresh = worded.invite(newAccount(), 0);
void [last, counted, matters, said, fresh];
void [allowed, codes, ignored, levels, s, expires, warnings, fast, roles, rule, located, placed, via, grantable, escalations, changed, gains];
