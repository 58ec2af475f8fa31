// The users table: roles, account and tenant status with a live invitation countdown, and on each row
// only the actions that apply to the user and that the acting administrator is allowed (both decided by
// the package, with the tenant's enabled users as `others`; the worker enforces the rules again). Removing
// or disabling the last user admin is offered disabled, with the reason. A refusal is shown in the row it
// concerns.
import { h, fill } from "./dom.js";
import { STATUS_LABELS, timeLeft } from "./format.js";
import { renderProblem } from "./problem.js";
import { roleChoices } from "./role-editor.js";

/** Whether the package's account transition `method` applies to `record` now (it throws when it does not). */
function applies(policy, method, record, now) {
  try {
    policy[method](record, now);
    return true;
  } catch (err) {
    if (typeof err?.code !== "string") throw err;
    return false;
  }
}

/**
 * Renders the table into `tbody`. Returns a function that cancels the invitation watchers.
 * @param {HTMLElement} tbody
 * @param {{ policy: any, actor: { id: string, roles: string[] }, users: any[], others: object[], selectedId: string | null,
 *           problem: { id: string, lead: string, message: string, reasons: { message: string }[] } | null,
 *           onSelect: (id: string) => void, onInvite: (user: any) => void, onSetAccess: (user: any, enabled: boolean) => void,
 *           onDelete: (user: any) => void }} view
 */
export function renderUsers(tbody, { policy, actor, users, others, selectedId, problem, onSelect, onInvite, onSetAccess, onDelete }) {
  const watches = [];
  const now = Date.now();
  fill(tbody, users.flatMap((user) => {
    const self = user.id === actor.id;
    const target = { id: user.id, roles: user.roles };
    const status = policy.accountStatus(user.account, now);
    const statusCell = h("td", { "data-label": "Account" });
    showStatus(statusCell, status);
    if (status.status === "invited") {
      // The flip to "Expired invitation" is an event from the package, at the exact millisecond.
      watches.push(policy.watchInvitation(user.account, now, (next) => showStatus(statusCell, next)));
    }
    const button = (id, label, name, onclick, { danger = false, why = null } = {}) =>
      h("button", { type: "button", id: `${id}-${user.id}`, class: danger ? "danger" : null, "aria-label": name, onclick,
        disabled: why !== null, "aria-describedby": why }, label);
    const editable = roleChoices(policy, actor, target, new Set(user.roles), others).editable;
    const actions = h("div", { class: "actions" },
      h("button", { type: "button", id: `edit-${user.id}`, onclick: () => onSelect(user.id), "aria-pressed": String(user.id === selectedId),
        "aria-label": `${editable ? "Edit roles" : "View roles"} of ${user.name}` }, editable ? "Edit roles" : "View"));
    if (applies(policy, "invite", user.account, now) && policy.check("invite", { actor, target }).allowed) {
      const verb = status.status === "pending-invite" ? "Send" : "Re-send";
      actions.append(button("invite", `${verb} invitation`, `${verb} invitation to ${user.name}`, () => onInvite(user)));
    }
    const removal = policy.check("remove", { actor, target, others });
    // Refused only for the tenant's sake (the last user admin): offered, disabled, with the reason.
    const kept = !removal.allowed && policy.check("remove", { actor, target }).allowed;
    if (removal.allowed || kept) {
      const why = kept ? `keep-${user.id}` : null;
      // Not on a user already disabled, on the platform or on this tenant; not on one already enabled here.
      if (applies(policy, "disableTenant", user.account, now) && applies(policy, "disable", user.account, now)) {
        actions.append(button("access", "Disable", `Disable ${user.name} on this tenant`, () => onSetAccess(user, false), { danger: true, why }));
      } else if (applies(policy, "enableTenant", user.account, now)) {
        actions.append(button("access", "Enable", `Enable ${user.name} on this tenant`, () => onSetAccess(user, true)));
      }
      actions.append(button("delete", "Delete", `Delete ${user.name}`, () => onDelete(user), { danger: true, why }));
      if (kept) actions.append(h("span", { class: "reason", id: why }, removal.reasons.map((r) => r.message).join(" ")));
    }
    const row = h("tr", { class: [user.id === selectedId && "selected", self && "self"].filter(Boolean).join(" ") || null,
      dataset: { user: user.id } },
    h("th", { scope: "row", "data-label": "User" },
      h("span", { class: "name" }, user.name, self ? h("span", { class: "you" }, " (you)") : null),
      h("span", { class: "email" }, user.email)),
    h("td", { "data-label": "Roles" }, user.roles.length ? h("ul", { class: "chips" }, user.roles.map((r) => h("li", {}, r))) : "—"),
    statusCell,
    h("td", { "data-label": "Tenant" }, h("span", { class: `badge tenant-${status.tenantStatus}` },
      status.tenantStatus === "enabled" ? "Enabled" : "Disabled")),
    h("td", { class: "actions-cell" }, actions));
    if (problem?.id !== user.id) return [row];
    return [row, h("tr", { class: "row-problem", dataset: { problemFor: user.id } },
      h("td", { colspan: "5" }, renderProblem(problem.lead, problem)))];
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
