// The React bindings' declarations, used as a screen would (JSX, every hook, the error on each answer).
import { Allowed, RolegateProvider, useAllows, useEffective, useGrantDecision, useGrantableRoles,
  useInvitationStatus, usePolicy } from "rolegate/react";
import type { AccountRecord, Member } from "rolegate";

function Row({ user, account }: { user: Member; account: AccountRecord }) {
  const { allowed, reasons, error } = useGrantDecision({ target: user, roles: [...user.roles, "ReportViewer"], others: 1 });
  const why: string = error ? `${error.code}: ${error.message}` : reasons.map((r) => r.message).join("; ");
  const { roles } = useGrantableRoles(user);
  const { status } = useInvitationStatus(account, { now: () => 0 });
  const expired: boolean = status?.status === "expired-invitation";
  const reports: string | undefined = useEffective().levels?.reports;
  const manage: boolean = useAllows("users", "manage").allowed;
  const p = usePolicy();
  const roleCount: number = p.error === null ? p.policy.roles().length : 0;
  return (
    <tr title={why}>
      <td><input type="checkbox" disabled={!allowed} /></td>
      <td>{roles.join(", ")} {String(expired)} {reports} {String(manage)} {roleCount}</td>
    </tr>
  );
}

export function Screen({ policyText, me, user, account }: { policyText: string; me: Member; user: Member; account: AccountRecord }) {
  return (
    <RolegateProvider policy={policyText} actor={me}>
      <Allowed feature="users" level="manage" fallback={<p>read only</p>}>
        <table><tbody><Row user={user} account={account} /></tbody></table>
      </Allowed>
    </RolegateProvider>
  );
}
