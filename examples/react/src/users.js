// The tenant's users as the origin would list them (product A). Times are relative to the page's clock, so
// Ivan's invitation runs out a minute after the page opens.
const HOUR = 3600_000;
const account = (fields) => ({ platformDisabled: false, tenantEnabled: true, platformAuth: true, invitedAt: null, acceptedAt: null, ...fields });

export function loadUsers(now) {
  return [
    { id: "cora", name: "Cora (customer admin)", roles: ["CustomerAdmin"], account: account({ invitedAt: now - 72 * HOUR, acceptedAt: now - 71 * HOUR }) },
    { id: "uma", name: "Uma (user manager)", roles: ["UserManager", "User"], account: account({ invitedAt: now - 48 * HOUR, acceptedAt: now - 47 * HOUR }) },
    { id: "ann", name: "Ann", roles: ["User"], account: account({ invitedAt: now - 3 * HOUR, acceptedAt: now - 2 * HOUR }) },
    { id: "ivan", name: "Ivan (invited)", roles: ["User"], account: account({ invitedAt: now - 24 * HOUR + 60_000 }) },
    { id: "rita", name: "Rita", roles: ["ReportViewer", "User"], account: account({ invitedAt: now - 5 * HOUR, acceptedAt: now - 4 * HOUR }) },
    // Bad input as it can arrive from an origin: a role this policy does not know, a record missing a field.
    { id: "olga", name: "Olga (imported)", roles: ["User", "Auditor"], account: account({ invitedAt: now - 9 * HOUR, acceptedAt: now - 8 * HOUR }) },
    { id: "bob", name: "Bob (broken record)", roles: ["User"], account: { platformDisabled: false, invitedAt: null } },
  ];
}
