// The policy panel: the tenant's policy JSON in an editor, validated by the package on every keystroke,
// every error listed with its JSON path and line. A valid draft shows its impact against the live policy
// before anything is saved (`Policy.diff`: roles that gain access, new delegation with escalation paths
// highlighted, the tenant's users whose access changes), and can drive this console (a preview); the
// edge worker keeps enforcing the deployed document.
import { h, fill } from "./dom.js";

/** Validates policy JSON text: `{ policy }` (compiled) or `{ errors: [{ path, code, message }] }` (every error). */
export function validatePolicy(Policy, text) {
  try {
    return { policy: Policy.fromJson(text) };
  } catch (err) {
    if (Array.isArray(err.errors) && err.errors.length) return { errors: err.errors };
    return { errors: [{ path: err.path ?? "", code: err.code ?? "invalid_policy", message: err.message }] };
  }
}

/**
 * @param {{ textarea: HTMLTextAreaElement, result: HTMLElement, impact: HTMLElement, useDraft: HTMLButtonElement, reset: HTMLButtonElement }} els
 * @param {{ Policy: any, onUseDraft: (policy: any) => void, live: () => { policy: any, users: { id: string, name: string, roles: string[] }[] } }} deps
 */
export function mountPolicyPanel(els, { Policy, onUseDraft, live }) {
  let deployedText = "";
  let valid = null;
  const check = () => {
    valid?.free();
    valid = null;
    const outcome = validatePolicy(Policy, els.textarea.value);
    els.textarea.setAttribute("aria-invalid", String(!outcome.policy));
    if (outcome.policy) {
      valid = outcome.policy;
      const warnings = valid.warnings();
      fill(els.result,
        h("p", { class: "ok" }, `Valid policy: ${valid.roles().length} roles, ${valid.features().length} features, `
          + `grant rule “${valid.grantRule}”, invitations valid ${duration(valid.invitationTtlMs)}.`),
        warnings.length ? h("ul", { class: "warnings", "aria-label": "Warnings" }, warnings.map(item)) : null);
    } else {
      fill(els.result, h("p", { class: "bad" }, `${outcome.errors.length} error${outcome.errors.length === 1 ? "" : "s"}:`),
        h("ul", { class: "errors", "aria-label": "Errors" }, outcome.errors.map(item)));
    }
    const edited = els.textarea.value !== deployedText;
    if (valid && edited) renderImpact(els.impact, Policy, live(), valid);
    else fill(els.impact);
    els.useDraft.disabled = !valid || !edited;
    els.reset.disabled = els.textarea.value === deployedText;
  };
  els.textarea.addEventListener("input", check);
  els.reset.addEventListener("click", () => { els.textarea.value = deployedText; check(); });
  els.useDraft.addEventListener("click", () => {
    if (!valid) return;
    const policy = valid;
    valid = null; // handed over: the console owns it now
    onUseDraft(policy);
    check();
  });
  return {
    /** Shows a tenant's deployed policy document. */
    show(doc) {
      deployedText = pretty(doc);
      els.textarea.value = deployedText;
      check();
    },
  };
}

const item = ({ path, code, message, line, column }) =>
  h("li", {}, h("code", { class: "path" }, path || "(document)"), line ? h("small", {}, ` line ${line}:${column}`) : null, " ", message, " ",
    h("small", {}, `(${code})`));

/** What saving the draft would change, against the live policy and the tenant's users. */
function renderImpact(root, Policy, { policy: deployed, users }, draft) {
  let diff;
  try {
    diff = Policy.diff(deployed, draft, users);
  } catch (err) {
    if (!err.code) throw err;
    return fill(root, h("p", { class: "note" }, `No impact shown: ${err.message}`));
  }
  const { changes, users: affected } = diff;
  const of = (...codes) => changes.filter((c) => codes.includes(c.code));
  const gains = of("access_raised", "role_added");
  const escalations = of("escalation_added");
  const delegation = of("delegation_added").filter((d) => !escalations.some((e) => e.granter === d.granter && e.role === d.role));
  const byUser = new Map();
  for (const u of affected) byUser.set(u.id, [...(byUser.get(u.id) ?? []), u]);
  const name = (id) => users.find((u) => u.id === id)?.name ?? id;
  const section = (title, items) => (items.length ? [h("h4", {}, title), h("ul", {}, items)] : []);
  fill(root, h("h3", { id: "impact-title" }, "Impact against the live policy"),
    changes.length || affected.length ? null : h("p", { class: "note" }, "No change in access or delegation."),
    section("Roles that gain access", gains.map((c) => h("li", {}, c.code === "role_added"
      ? [h("strong", {}, c.role), " (new role)"]
      : [h("strong", {}, c.role), ` ${c.feature}: ${c.from} → ${c.to}`]))),
    section("New delegation", [
      ...escalations.map((e) => h("li", { class: "escalation" }, h("strong", {}, "Escalation: "),
        `${e.granter} may grant ${e.role}, which gives ${e.feature} “${e.needed}” above the “${e.held}” ${e.granter} holds`)),
      ...delegation.map((d) => h("li", {}, `${d.granter} may now grant ${d.role}`)),
    ]),
    section("Users whose access changes", [...byUser].map(([id, list]) => h("li", { "data-user": id }, h("strong", {}, name(id)), " ",
      list.map((u) => h("span", { class: u.code === "user_gains" ? "gain" : "loss" },
        `${u.feature}: ${u.from} → ${u.to}`)).flatMap((el, i) => (i ? [", ", el] : [el]))))),
    section("Other changes", of("access_lowered", "role_removed", "delegation_removed", "escalation_removed", "feature_added",
      "feature_removed", "levels_changed", "rank_changed", "setting_changed")
      .map((c) => h("li", {}, `${c.code.replace("_", " ")}: ${[c.granter, c.role, c.feature, c.setting].filter(Boolean).join(" → ")}`
        + (c.from !== undefined ? ` (${c.from} → ${c.to})` : "")))));
}

/** "24 h", "7 d", "90 m", "2 s": the largest unit that divides the window (days from 2 d on). */
function duration(ms) {
  const units = [["d", 86_400_000, 2], ["h", 3_600_000, 1], ["m", 60_000, 1], ["s", 1000, 1]];
  const match = units.find(([, size, min]) => ms >= size * min && ms % size === 0);
  return match ? `${ms / match[1]} ${match[0]}` : `${ms} ms`;
}

/** JSON with two-space indents, short arrays of plain values kept on one line. */
function pretty(doc) {
  return JSON.stringify(doc, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g,
    (whole, items) => (items.length < 80 ? `[${items.split(/,\n\s*/).join(", ")}]` : whole));
}
