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
  const escalations = of("escalation_added");
  const delegation = of("delegation_added").filter((d) => !escalations.some((e) => e.granter === d.granter && e.role === d.role));
  // Roles of the draft that some role could grant before and none can now.
  const { grants } = draft.delegation();
  const ungrantable = (role) => grants.some((g) => g.granter === role) && !grants.some((g) => g.roles.includes(role));
  const lost = new Map();
  for (const d of of("delegation_removed")) if (ungrantable(d.role)) lost.set(d.role, [...(lost.get(d.role) ?? []), d.granter]);
  const byUser = new Map();
  for (const u of affected) byUser.set(u.id, [...(byUser.get(u.id) ?? []), u]);
  const name = (id) => users.find((u) => u.id === id)?.name ?? id;
  const section = (title, items) => (items.length ? [h("h4", {}, title), h("ul", {}, items)] : []);
  const move = (c) => [h("strong", {}, c.role), ` ${c.feature}: ${c.from} → ${c.to}`];
  fill(root, h("h3", { id: "impact-title" }, "Impact against the live policy"),
    changes.length || affected.length ? null : h("p", { class: "note" }, "No change in access or delegation."),
    section("Roles nobody may grant any more", [...lost].map(([role, granters]) => h("li", { class: "warning", "data-role": role },
      h("strong", {}, role), `: nobody may grant it any more (${granters.join(", ")} could).`))),
    section("New delegation", [
      ...escalations.map((e) => h("li", { class: "escalation" }, h("strong", {}, "Escalation: "),
        `${e.granter} may grant ${e.role}, which gives ${e.feature} “${e.needed}” above the “${e.held}” ${e.granter} holds`)),
      ...delegation.map((d) => h("li", {}, `${d.granter} may now grant ${d.role}`)),
    ]),
    section("Roles that gain access", of("access_raised").map((c) => h("li", {}, move(c)))),
    section("New roles", of("role_added").map((c) => h("li", { "data-role": c.role }, h("strong", {}, c.role), `: ${gives(draft, c.role)}`))),
    section("Users whose access changes", [...byUser].map(([id, list]) => h("li", { "data-user": id }, h("strong", {}, name(id)), " ",
      list.map((u) => h("span", { class: u.code === "user_gains" ? "gain" : "loss" },
        `${u.feature}: ${u.from} → ${u.to}`)).flatMap((el, i) => (i ? [", ", el] : [el]))))),
    section("Settings", of("setting_changed").map((c) => {
      const [label, from, to] = (SETTINGS[c.setting] ?? ((a, b) => [c.setting, a, b]))(c.from, c.to);
      return h("li", { "data-setting": c.setting }, h("strong", {}, label), `: ${from} → ${to}`);
    })),
    section("Roles that lose access", of("access_lowered").map((c) => h("li", {}, move(c)))),
    section("Other changes", changes.filter((c) => !SECTIONED.has(c.code) && !(c.code === "delegation_removed" && lost.has(c.role)))
      .map((c) => h("li", {}, OTHER[c.code]?.(c) ?? [c.code, c.granter, c.role, c.feature].filter(Boolean).join(" ")))));
}

/** What a role gives on its own (its levels above the empty role set's), or that it gives no access. */
function gives(policy, role) {
  const none = policy.effective([]);
  const levels = policy.effective([role]);
  const raised = policy.features().filter((f) => levels[f.name] !== none[f.name]).map((f) => `${f.name} ${levels[f.name]}`);
  return raised.length ? `gives ${raised.join(", ")}` : "gives no access";
}

const yesNo = (flag) => (flag === "true" ? "yes" : "no");

/** How each setting of `setting_changed` reads: [label, from, to]. The grant rule text carries the rank order. */
const SETTINGS = {
  grantRule: (from, to) => {
    const order = (rule) => rule.match(/^rank \((.+)\)$/)?.[1];
    return order(from) && order(to) ? ["Rank order", order(from), order(to)] : ["Grant rule", from, to];
  },
  userAdmin: (from, to) => ["Needed to administer users", from.replace(":", " "), to.replace(":", " ")],
  protectHigherUsers: (from, to) => ["Users above the actor protected", yesNo(from), yesNo(to)],
  invitationTtl: (from, to) => ["Invitation window", duration(Number(from)), duration(Number(to))],
};

/** Changes listed in a section of their own. */
const SECTIONED = new Set(["escalation_added", "delegation_added", "access_raised", "role_added", "setting_changed", "access_lowered"]);

/** How the other changes read. */
const OTHER = {
  role_removed: (c) => `Role ${c.role} removed`,
  delegation_removed: (c) => `${c.granter} may no longer grant ${c.role}`,
  escalation_removed: (c) => `No longer an escalation: ${c.granter} granting ${c.role} (${c.feature} “${c.needed}”)`,
  feature_added: (c) => `Feature ${c.feature} added`,
  feature_removed: (c) => `Feature ${c.feature} removed`,
  levels_changed: (c) => `Levels of ${c.feature}: ${c.from} → ${c.to}`,
  rank_changed: (c) => `Rank of ${c.role}: ${c.from} → ${c.to}`,
};

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
