// The users table: roles, account and tenant status with a live invitation countdown, and the
// actions the acting administrator is allowed (decided by the package, enforced again by the worker).
import { h, fill } from "./dom.js";
import { STATUS_LABELS, timeLeft } from "./format.js";

const INVITABLE = new Set(["pending-invite", "invited", "expired-invitation"]);

/**
 * Renders the table into `tbody`. Returns a function that cancels the invitation watchers.
 * @param {HTMLElement} tbody
 * @param {{ policy: any, actor: { id: string, roles: string[] }, users: any[], selectedId: string | null,
 *           onSelect: (id: string) => void, onInvite: (user: any) => void, onSetAccess: (user: any, enabled: boolean) => void }} view
 */
export function renderUsers(tbody, { policy, actor, users, selectedId, onSelect, onInvite, onSetAccess }) {
  const watches = [];
  const now = Date.now();
  fill(tbody, users.map((user) => {
    const self = user.id === actor.id;
    const target = { id: user.id, roles: user.roles };
    const status = policy.accountStatus(user.account, now);
    const statusCell = h("td", { "data-label": "Account" });
    showStatus(statusCell, status);
    if (status.status === "invited") {
      // The flip to "Expired invitation" is an event from the package, at the exact millisecond.
      watches.push(policy.watchInvitation(user.account, now, (next) => showStatus(statusCell, next)));
    }
    const actions = h("div", { class: "actions" },
      h("button", { type: "button", id: `edit-${user.id}`, onclick: () => onSelect(user.id), "aria-pressed": String(user.id === selectedId),
        "aria-label": `Roles and permissions of ${user.name}` }, self ? "View" : "Edit roles"));
    if (INVITABLE.has(status.status) && policy.checkInvite({ actor, target }).allowed) {
      actions.append(h("button", { type: "button", id: `invite-${user.id}`, onclick: () => onInvite(user),
        "aria-label": `${status.status === "pending-invite" ? "Send" : "Re-send"} invitation to ${user.name}` },
      status.status === "pending-invite" ? "Send invitation" : "Re-send invitation"));
    }
    if (policy.checkRemove({ actor, target }).allowed) {
      const enabled = user.account.tenantEnabled;
      actions.append(h("button", { type: "button", id: `access-${user.id}`, class: enabled ? "danger" : null, onclick: () => onSetAccess(user, !enabled),
        "aria-label": `${enabled ? "Disable" : "Enable"} ${user.name} on this tenant` }, enabled ? "Disable" : "Enable"));
    }
    return h("tr", { class: [user.id === selectedId && "selected", self && "self"].filter(Boolean).join(" ") || null,
      dataset: { user: user.id } },
    h("th", { scope: "row", "data-label": "User" },
      h("span", { class: "name" }, user.name, self ? h("span", { class: "you" }, " (you)") : null),
      h("span", { class: "email" }, user.email)),
    h("td", { "data-label": "Roles" }, h("ul", { class: "chips" }, user.roles.map((r) => h("li", {}, r)))),
    statusCell,
    h("td", { "data-label": "Tenant" }, h("span", { class: `badge tenant-${status.tenantStatus}` },
      status.tenantStatus === "enabled" ? "Enabled" : "Disabled")),
    h("td", { class: "actions-cell" }, actions));
  }));
  return () => watches.forEach((w) => w.cancel());
}

function showStatus(cell, status) {
  const badge = h("span", { class: `badge status-${status.status}` }, STATUS_LABELS[status.status] ?? status.status);
  const countdown = status.status === "invited" && status.expiresAt !== null
    ? h("span", { class: "countdown", dataset: { expiresAt: status.expiresAt },
      title: `valid until ${new Date(status.expiresAt).toLocaleString()}` }, countdownText(status.expiresAt))
    : null;
  fill(cell, badge, countdown);
}

const countdownText = (expiresAt) => `expires in ${timeLeft(expiresAt - Date.now())}`;

/** Keeps the countdown texts under `root` current (display only: the status itself changes by event). */
export function tickCountdowns(root) {
  return setInterval(() => {
    for (const el of root.querySelectorAll(".countdown[data-expires-at]")) {
      el.textContent = countdownText(Number(el.dataset.expiresAt));
    }
  }, 1000);
}
