// The role editor: one checkbox per role of the policy. A role the actor may not grant (or take away)
// is disabled with the package's reason next to it; the actor's own row is locked.
import { h, fill } from "./dom.js";

/**
 * @param {HTMLElement} root
 * @param {{ policy: any, actor: { id: string, roles: string[] }, user: any, draft: Set<string>,
 *           error: { message: string, reasons: { message: string }[] } | null, busy: boolean,
 *           onToggle: (role: string) => void, onSave: () => void, onReset: () => void }} view
 */
export function renderRoleEditor(root, { policy, actor, user, draft, error, busy, onToggle, onSave, onReset }) {
  const self = user.id === actor.id;
  const target = { id: user.id, roles: user.roles };
  const general = new Set();
  const items = policy.roles().map(({ name, rank, includes }) => {
    const next = new Set(draft);
    if (next.has(name)) next.delete(name); else next.add(name);
    const decision = self ? null : policy.checkGrant({ actor, target, roles: [...next] });
    const own = decision && !decision.allowed ? decision.reasons.filter((r) => r.role === name) : [];
    decision?.reasons.filter((r) => !r.role && r.code !== "allowed").forEach((r) => general.add(r.message));
    const disabled = self || (decision !== null && !decision.allowed);
    const id = `role-${name}`;
    const detail = [rank !== null && rank !== undefined ? `rank ${rank}` : null,
      includes.length ? `includes ${includes.join(", ")}` : null].filter(Boolean).join(" · ");
    return h("li", { class: disabled ? "locked" : null },
      h("input", { type: "checkbox", id, checked: draft.has(name), disabled: disabled || busy,
        "aria-describedby": own.length ? `${id}-why` : null, onchange: () => onToggle(name) }),
      h("label", { for: id }, name, detail ? h("small", {}, ` ${detail}`) : null),
      own.length ? h("span", { class: "reason", id: `${id}-why` }, own.map((r) => r.message).join(" ")) : null);
  });
  const changed = !sameRoles(draft, user.roles);
  fill(root,
    h("h3", { id: "editor-title", tabindex: "-1" }, `Roles of ${user.name}`),
    self ? h("p", { class: "note locked-note" }, "This is you: you cannot change your own roles.") : null,
    [...general].map((message) => h("p", { class: "note" }, message)),
    h("fieldset", { disabled: self || null },
      h("legend", { class: "visually-hidden" }, `Roles of ${user.name}`),
      h("ul", { class: "roles" }, items)),
    error ? problem(error) : null,
    self ? null : h("div", { class: "buttons" },
      h("button", { type: "button", id: "save-roles", class: "primary", disabled: !changed || busy, onclick: onSave },
        busy ? "Saving…" : "Save roles"),
      h("button", { type: "button", id: "reset-roles", disabled: !changed || busy, onclick: onReset }, "Reset")));
}

/** The worker's refusal: its detail, then any further reasons it gave. */
function problem({ message, reasons }) {
  const more = reasons.filter((r) => r.message !== message);
  return h("div", { class: "problem", role: "alert" }, h("strong", {}, "The edge worker refused the change: "), message,
    more.length ? h("ul", {}, more.map((r) => h("li", {}, r.message))) : null);
}

export function sameRoles(set, list) {
  return set.size === new Set(list).size && list.every((r) => set.has(r));
}
