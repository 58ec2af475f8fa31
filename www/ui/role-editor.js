// Roles for an existing user or a new one: one checkbox per role of the policy. A role the actor may not
// grant (or take away) is disabled with the package's reason next to it; a user whose roles the actor may
// not change at all is shown read-only, with the reason.
import { h, fill } from "./dom.js";
import { renderProblem } from "./problem.js";

/**
 * The package's decision on ticking or unticking each role alone, for `target` (null: a new user) with the
 * `draft` roles ticked, the tenant's enabled users as `others`. `editable`: some role can be changed; `general`:
 * the refusal reasons about no one role that the draft already has (shown once); a reason about no one role
 * that only a choice brings (taking userAdmin from the last user admin) is that choice's.
 * @returns {{ choices: { name: string, detail: string, checked: boolean, allowed: boolean, why: string[] }[],
 *   general: string[], editable: boolean }}
 */
export function roleChoices(policy, actor, target, draft, others) {
  const decide = (roles) => (target ? policy.check("roles", { actor, target, roles, others }) : policy.check("add", { actor, roles }));
  const standing = new Set(decide([...draft]).reasons.filter((r) => !r.role).map((r) => r.code));
  const general = new Set();
  const choices = policy.roles().map(({ name, rank, includes }) => {
    const next = new Set(draft);
    if (next.has(name)) next.delete(name); else next.add(name);
    const { allowed, reasons } = decide([...next]);
    if (!allowed) reasons.filter((r) => !r.role && standing.has(r.code)).forEach((r) => general.add(r.message));
    const detail = [rank !== null && rank !== undefined ? `rank ${rank}` : null,
      includes.length ? `includes ${includes.join(", ")}` : null].filter(Boolean).join(" · ");
    return { name, detail, checked: draft.has(name), allowed,
      why: allowed ? [] : reasons.filter((r) => (r.role ? r.role === name : !standing.has(r.code))).map((r) => r.message) };
  });
  return { choices, general: [...general], editable: choices.some((c) => c.allowed) };
}

/** The checkboxes (ids `role-<name>`, reasons `role-<name>-why`). */
function roleList(legend, choices, busy, onToggle) {
  return h("fieldset", {},
    h("legend", { class: "visually-hidden" }, legend),
    h("ul", { class: "roles" }, choices.map(({ name, detail, checked, allowed, why }) => {
      const id = `role-${name}`;
      return h("li", { class: allowed ? null : "locked" },
        h("input", { type: "checkbox", id, checked, disabled: !allowed || busy,
          "aria-describedby": why.length ? `${id}-why` : null, onchange: () => onToggle(name) }),
        h("label", { for: id }, name, detail ? h("small", {}, ` ${detail}`) : null),
        why.length ? h("span", { class: "reason", id: `${id}-why` }, why.join(" ")) : null);
    })));
}

/**
 * A button that stays focusable while it cannot be used (`aria-disabled`), so keyboard focus stays on it
 * while its action runs and after it.
 */
function actionButton({ id, label, primary, enabled, onclick, type = "button" }) {
  return h("button", { type, id, class: primary ? "primary" : null, "aria-disabled": String(!enabled),
    onclick: (e) => { if (!enabled) e.preventDefault(); else if (type === "button") onclick(); } }, label);
}

/**
 * The roles of an existing user: an editor when the actor may change some of them, else read-only.
 * @param {HTMLElement} root
 * @param {{ policy: any, actor: { id: string, roles: string[] }, user: any, others: object[], draft: Set<string>,
 *           error: { message: string, reasons: { message: string }[] } | null, busy: boolean,
 *           onToggle: (role: string) => void, onSave: () => void, onReset: () => void }} view
 */
export function renderRoleEditor(root, { policy, actor, user, others, draft, error, busy, onToggle, onSave, onReset }) {
  const { choices, general, editable } = roleChoices(policy, actor, { id: user.id, roles: user.roles }, draft, others);
  const title = h("h3", { id: "editor-title", tabindex: "-1" }, `Roles of ${user.name}`);
  const refusal = error ? renderProblem("Could not save the roles:", error) : null;
  if (!editable) {
    const why = user.id === actor.id ? "This is you: you cannot change your own roles."
      : `You may not change the roles of ${user.name}${general.length ? `: ${general.join(" ")}` : "."}`;
    return fill(root, title, h("p", { class: "note locked-note" }, why),
      user.roles.length ? h("ul", { class: "chips", "aria-label": `Roles of ${user.name}` }, user.roles.map((r) => h("li", {}, r)))
        : h("p", { class: "note" }, "No roles."),
      refusal);
  }
  const changed = !sameRoles(draft, user.roles);
  return fill(root, title,
    general.map((message) => h("p", { class: "note" }, message)),
    roleList(`Roles of ${user.name}`, choices, busy, onToggle),
    refusal,
    h("div", { class: "buttons" },
      actionButton({ id: "save-roles", label: busy ? "Saving…" : "Save roles", primary: true, enabled: changed && !busy, onclick: onSave }),
      actionButton({ id: "reset-roles", label: "Reset", enabled: changed && !busy, onclick: onReset })));
}

/**
 * The form for a new user: e-mail, name and the roles the actor may grant (the others disabled, with the
 * reason). It is added pending invite; the invitation is sent from the user's row.
 * @param {HTMLElement} root
 * @param {{ policy: any, actor: { id: string, roles: string[] }, fields: { email: string, name: string },
 *           draft: Set<string>, error: { message: string, reasons: { message: string }[] } | null, busy: boolean,
 *           onToggle: (role: string) => void, onSubmit: () => void, onCancel: () => void }} view
 */
export function renderAddUser(root, { policy, actor, fields, draft, error, busy, onToggle, onSubmit, onCancel }) {
  const { choices, general } = roleChoices(policy, actor, null, draft);
  const field = (name, label, attrs) => h("p", { class: "field" }, h("label", { for: `new-${name}` }, label),
    h("input", { id: `new-${name}`, name, value: fields[name], readonly: busy, oninput: (e) => { fields[name] = e.target.value; },
      ...attrs }));
  return fill(root, h("h3", { id: "editor-title", tabindex: "-1" }, "Add a user"),
    h("form", { id: "add-user-form", "aria-labelledby": "editor-title",
      onsubmit: (e) => { e.preventDefault(); if (!busy) onSubmit(); } },
    field("email", "E-mail", { type: "email", required: true, autocomplete: "off", spellcheck: "false" }),
    field("name", "Name (optional)", { type: "text", autocomplete: "off" }),
    h("p", { class: "note" }, "Roles: only the ones you may grant can be ticked. The new user is added as a pending "
      + "invite; send the invitation from their row."),
    general.map((message) => h("p", { class: "note" }, message)),
    roleList("Roles of the new user", choices, busy, onToggle),
    error ? renderProblem("Could not add the user:", error) : null,
    h("div", { class: "buttons" },
      actionButton({ type: "submit", id: "add-user-submit", label: busy ? "Adding…" : "Add user", primary: true, enabled: !busy }),
      h("button", { type: "button", id: "add-user-cancel", disabled: busy, onclick: onCancel }, "Cancel"))));
}

export function sameRoles(set, list) {
  return set.size === new Set(list).size && list.every((r) => set.has(r));
}
