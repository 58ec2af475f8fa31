// An admin screen on rolegate/react: act as a user, and the users table offers only the role changes the
// rules allow; every disabled box says why (its title), and bad input shows as
// the core's error code rather than breaking the screen.
import { Suspense, useState } from "react";
import { Allowed, RolegateProvider, useGrantDecision, useInvitationStatus, usePolicy } from "rolegate/react";
import productA from "../../product-a.json?raw";
import { loadUsers } from "./users.js";

const POLICIES = { "Product A": productA, "A broken draft": productA.replace('"users": "manage"', '"users": "root"') };

export function App() {
  const [users, setUsers] = useState(() => loadUsers(Date.now()));
  const [actingAs, setActingAs] = useState("uma");
  const [policyName, setPolicyName] = useState("Product A");
  const me = users.find((u) => u.id === actingAs);
  const setRoles = (id, roles) => setUsers((all) => all.map((u) => (u.id === id ? { ...u, roles } : u)));
  return (
    <main>
      <h1>Users</h1>
      <p className="controls">
        <label>Acting as <select id="acting-as" value={actingAs} onChange={(e) => setActingAs(e.target.value)}>
          {users.slice(0, 5).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select></label>
        <label>Policy <select id="policy" value={policyName} onChange={(e) => setPolicyName(e.target.value)}>
          {Object.keys(POLICIES).map((name) => <option key={name}>{name}</option>)}
        </select></label>
      </p>
      <Suspense fallback={<p>Loading the rules…</p>}>
        <RolegateProvider policy={POLICIES[policyName]} actor={{ id: me.id, roles: me.roles }}>
          <PolicyError />
          <Allowed feature="users" level="manage" fallback={<p id="read-only">{me.name} cannot manage users.</p>}>
            <UsersTable users={users} setRoles={setRoles} />
          </Allowed>
        </RolegateProvider>
      </Suspense>
    </main>
  );
}

/** A policy that does not compile: every hook answers with its error; shown once here. */
function PolicyError() {
  const { error } = usePolicy();
  if (!error) return null;
  return (
    <div className="error" id="policy-error" role="alert">
      <strong>{error.code}</strong>: {error.message}
      {error.errors && <ul>{error.errors.map((i) => <li key={i.path + i.code}>{i.path}: {i.message}</li>)}</ul>}
    </div>
  );
}

function UsersTable({ users, setRoles }) {
  const { policy } = usePolicy();
  const roles = policy.roles().map((r) => r.name);
  return (
    <table id="users">
      <thead><tr><th>User</th><th>Account</th>{roles.map((r) => <th key={r}>{r}</th>)}</tr></thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id} data-user={user.id}>
            <td>{user.name}</td>
            <AccountCell account={user.account} />
            {roles.map((role) => <RoleBox key={role} user={user} role={role} setRoles={setRoles} />)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const STATUS = { "pending-invite": "Not invited", invited: "Invited", "expired-invitation": "Expired invitation",
  enabled: "Enabled", disabled: "Disabled", "sso-only": "SSO only" };

/** The account's status, live: it changes on screen when the invitation runs out. */
function AccountCell({ account }) {
  const { status, error } = useInvitationStatus(account);
  if (error) return <td className="error" data-code={error.code}>{error.code}{error.path ? ` at ${error.path}` : ""}</td>;
  const expires = status.expiresAt === null ? "" : `expires ${new Date(status.expiresAt).toLocaleString()}`;
  return <td className="status" title={expires} data-expires-at={status.expiresAt ?? ""}>{STATUS[status.status]}</td>;
}

/** One role of one user: ticking it asks for the user's roles with it added (or removed). */
function RoleBox({ user, role, setRoles }) {
  const has = user.roles.includes(role);
  const roles = has ? user.roles.filter((r) => r !== role) : [...user.roles, role];
  const { allowed, reasons, error } = useGrantDecision({ target: user, roles });
  const why = error ? `${error.code}: ${error.message}` : reasons.map((r) => r.message).join("\n");
  return (
    <td>
      <input type="checkbox" aria-label={`${role} for ${user.id}`} checked={has} disabled={!allowed}
        title={allowed ? `${has ? "Remove" : "Give"} ${role}` : why} data-reasons={allowed ? "" : reasons.map((r) => r.code).join(" ")}
        onChange={() => setRoles(user.id, roles)} />
    </td>
  );
}
