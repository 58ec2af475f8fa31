// A TypeScript consumer: the package's declarations under `strict`, `skipLibCheck: false`, lib es2022 + dom.
import init, { Policy, type AccountStatus, type Decision, type RolegateError } from "rolegate";

await init();
const policy: Policy = Policy.fromJson('{ "version": 1 }');
const decision: Decision = policy.checkGrant({ actor: { id: "a", roles: ["User"] }, target: null, roles: ["User"] });
const codes: string[] = decision.reasons.map((r) => r.code);
const status: AccountStatus = policy.accountStatus(
  { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1, acceptedAt: null }, 2);
const watch = policy.watchInvitation(
  { platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: 1, acceptedAt: null }, 2,
  (next: AccountStatus) => void next.status);
watch.cancel();
try {
  policy.allows(["User"], "reports", "own");
} catch (e) {
  const err = e as RolegateError;
  void err.code;
}
policy.free();
void [codes, status];
