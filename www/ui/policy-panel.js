// The policy panel: the tenant's policy JSON in an editor, validated by the package on every keystroke,
// every error listed with its JSON path and line. A valid draft shows its impact against the live policy
// before anything is saved (`Policy.diff`: roles that gain access, new delegation with escalation paths
// highlighted, the tenant's users whose access changes), and can drive this console (a preview). Saving it
// goes through the edge to origin as a new version: refused here already, with the edge's own rules
// (worker/src/policy-edit.js), when the editor would gain access or no user admin would be left; confirmed
// first when it opens an escalation path, changes a user's access or who may edit the policy. Earlier
// versions can be loaded into the editor and saved again (a revert).
import { policyEditRefusals } from "/edge/policy-edit.js";
import { ApiError } from "./api.js";
import { confirmAction } from "./confirm.js";
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
 * @param {{ textarea: HTMLTextAreaElement, result: HTMLElement, impact: HTMLElement, useDraft: HTMLButtonElement,
 *   reset: HTMLButtonElement, save: HTMLButtonElement, saving: HTMLElement, history: HTMLElement, confirm: HTMLDialogElement }} els
 *   `saving`: where a save's refusals and outcome show; `history`: the versions; `confirm`: the page's dialog
 *   (ui/confirm.js) asking before a save that changes access
 * @param {{ Policy: any, onUseDraft: (policy: any) => void,
 *   live: () => { policy: any, users: { id: string, name: string, roles: string[], account?: object }[], actor: { id: string, roles: string[] } },
 *   store: { save(text: string): Promise<{ version: number, etag: string }>, current(): Promise<{ text: string, etag: string }>,
 *     versions(): Promise<object[]>, version(n: number): Promise<string> },
 *   onDeployed: (current: { text: string, etag: string }) => void }} deps
 *   `store`: the tenant's policy at origin, through the edge; `onDeployed`: a new version is the live one
 */
export function mountPolicyPanel(els, { Policy, onUseDraft, live, store, onDeployed }) {
  let deployedText = "";
  let valid = null;
  let busy = false;
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
    const refusals = valid && edited ? saveRefusals(valid) : [];
    fill(els.saving, refusals.length ? [h("p", { class: "bad" }, "This draft cannot be saved:"), h("ul", { class: "errors", "aria-label": "Why it cannot be saved" }, refusals.map(reason))] : null);
    els.save.disabled = busy || !valid || !edited || refusals.length > 0;
  };
  /** The edge's refusals of saving `draft` now, judged the same way here. */
  const saveRefusals = (draft) => {
    const { policy, users, actor } = live();
    return policyEditRefusals({ before: policy, after: draft, afterDoc: JSON.parse(els.textarea.value), editor: actor, users, now: Date.now() });
  };
  /** Sends the draft `text`; shows the outcome where the save was asked for, focus kept there. */
  const save = async (text) => {
    busy = true;
    check();
    let outcome;
    try {
      const saved = await store.save(text);
      onDeployed({ text, etag: saved.etag });
      deployedText = text;
      outcome = h("p", { class: "ok" }, `Saved as version ${saved.version}: the edge enforces it from now on.`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      outcome = await refused(err);
    } finally {
      busy = false;
    }
    check();
    fill(els.saving, h("div", { tabindex: "-1", class: "outcome" }, outcome)).firstChild.focus();
    showHistory();
  };
  /** A refused save: the edge's reasons or errors; after a concurrent save, the new version becomes the base. */
  const refused = async (err) => {
    if (err.status === 412) {
      const current = await store.current();
      onDeployed(current);
      deployedText = current.text;
      return h("p", { class: "bad" }, "Someone saved another version meanwhile: the impact shown is now against it. "
        + "Your draft is kept; save again to replace that version.");
    }
    const items = [...err.errors.map(item), ...err.reasons.map(reason)];
    return [h("p", { class: "bad" }, `Not saved: ${err.message}`), items.length ? h("ul", { class: "errors" }, items) : null];
  };
  els.save.addEventListener("click", async () => {
    if (!valid) return;
    // The dialog is modal: the draft confirmed is the one sent.
    const text = els.textarea.value;
    const changes = confirmations(Policy, live(), valid);
    const sure = changes.length === 0 || await confirmAction(els.confirm, { title: "Save this change of access?", action: "Confirm and save",
      detail: [h("p", {}, "Saving this policy changes who may do what:"),
        h("ul", {}, changes.map((c) => h("li", { class: c.escalation ? "escalation" : null }, c.text)))] });
    if (sure) await save(text);
  });
  /** The versions, newest first; an earlier one can be loaded into the editor, then saved again. */
  const showHistory = async () => {
    let versions;
    try {
      versions = await store.versions();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return fill(els.history, h("p", { class: "note" }, `Versions unavailable: ${err.message}`));
    }
    const { users } = live();
    const by = (id) => (id === null ? "first start" : users.find((u) => u.id === id)?.name ?? id);
    fill(els.history, h("h3", { id: "versions-title" }, "Versions"),
      h("ol", { class: "versions", "aria-labelledby": "versions-title" }, versions.map((v) => h("li", { "data-version": v.version },
        h("strong", {}, `Version ${v.version}`), ` · ${by(v.savedBy)} · `,
        h("time", { datetime: new Date(v.savedAt).toISOString() }, new Date(v.savedAt).toLocaleString()),
        ` · ${v.hash.replace(/^sha256:/, "").slice(0, 10)}`, v.restores ? ` · restores version ${v.restores}` : "",
        v.current ? h("span", { class: "badge allow" }, "current")
          : h("button", { type: "button", onclick: () => loadVersion(v.version), "aria-label": `Load into the editor: version ${v.version}` }, "Load into the editor")))));
  };
  const loadVersion = async (n) => {
    els.textarea.value = await store.version(n);
    check();
    els.textarea.focus();
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
    /** Shows a tenant's deployed policy (its text as stored) and its versions. */
    show(text) {
      deployedText = text;
      els.textarea.value = deployedText;
      check();
      showHistory();
    },
  };
}

const reason = ({ code, message }) => h("li", {}, message, " ", h("small", {}, `(${code})`));

/**
 * What a save must be confirmed for: new escalation paths, each user whose access changes, and a change of who
 * may edit the policy (`[{ text, escalation? }]`, empty when nothing needs confirming).
 */
function confirmations(Policy, { policy: deployed, users }, draft) {
  let diff;
  try {
    diff = Policy.diff(deployed, draft, users);
  } catch (err) {
    if (!err.code) throw err;
    return [{ text: `The impact cannot be computed (${err.message}): check the draft before saving.` }];
  }
  const name = (id) => users.find((u) => u.id === id)?.name ?? id;
  const byUser = new Map();
  for (const u of diff.users) byUser.set(u.id, [...(byUser.get(u.id) ?? []), draft.describe(u)]);
  return [
    ...diff.changes.filter((c) => c.code === "escalation_added").map((e) => ({ escalation: true,
      text: `Escalation: ${draft.describe(e)}` })),
    ...[...byUser].map(([id, moves]) => ({ text: `${name(id)}: ${moves.join(", ")}` })),
    ...diff.changes.filter((c) => c.code === "setting_changed" && c.setting === "policyAdmin")
      .map((c) => { const [label, from, to] = setting(c); return { text: `${label}: ${from} → ${to}` }; }),
  ];
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
  // Each change in the package's words (its message catalog), as the CLI prints it.
  const say = (c) => draft.describe(c);
  fill(root, h("h3", { id: "impact-title" }, "Impact against the live policy"),
    changes.length || affected.length ? null : h("p", { class: "note" }, "No change in access or delegation."),
    section("Roles nobody may grant any more", [...lost].map(([role, granters]) => h("li", { class: "warning", "data-role": role },
      h("strong", {}, role), `: nobody may grant it any more (${granters.join(", ")} could).`))),
    section("New delegation", [
      ...escalations.map((e) => h("li", { class: "escalation" }, h("strong", {}, "Escalation: "), say(e))),
      ...delegation.map((d) => h("li", {}, say(d))),
    ]),
    section("Roles that gain access", of("access_raised").map((c) => h("li", {}, say(c)))),
    section("New roles", of("role_added").map((c) => h("li", { "data-role": c.role }, h("strong", {}, c.role), `: ${gives(draft, c.role)}`))),
    section("Users whose access changes", [...byUser].map(([id, list]) => h("li", { "data-user": id }, h("strong", {}, name(id)), " ",
      list.map((u) => h("span", { class: u.code === "user_gains" ? "gain" : "loss" }, say(u))).flatMap((el, i) => (i ? [", ", el] : [el]))))),
    section("Settings", of("setting_changed").map((c) => {
      const [label, from, to] = setting(c);
      return h("li", { "data-setting": c.setting }, h("strong", {}, label), `: ${from} → ${to}`);
    })),
    section("Roles that lose access", of("access_lowered").map((c) => h("li", {}, say(c)))),
    section("Other changes", changes.filter((c) => !SECTIONED.has(c.code) && !(c.code === "delegation_removed" && lost.has(c.role)))
      .map((c) => h("li", {}, say(c)))));
}

/** What a role gives on its own (its levels above the empty role set's), or that it gives no access. */
function gives(policy, role) {
  const none = policy.effective([]);
  const levels = policy.effective([role]);
  const raised = policy.features().filter((f) => levels[f.name] !== none[f.name]).map((f) => `${f.name} ${levels[f.name]}`);
  return raised.length ? `gives ${raised.join(", ")}` : "gives no access";
}

const yesNo = (flag) => (flag === "true" ? "yes" : "no");

/** A `setting_changed` in words: [label, from, to]. */
const setting = (c) => (SETTINGS[c.setting] ?? ((from, to) => [c.setting, from, to]))(c.from, c.to);

/** How each setting of `setting_changed` reads: [label, from, to]. The grant rule text carries the rank order. */
const SETTINGS = {
  grantRule: (from, to) => {
    const order = (rule) => rule.match(/^rank \((.+)\)$/)?.[1];
    return order(from) && order(to) ? ["Rank order", order(from), order(to)] : ["Grant rule", from, to];
  },
  userAdmin: (from, to) => ["Needed to administer users", from.replace(":", " "), to.replace(":", " ")],
  // "full administrator" when the policy names no policyAdmin.
  policyAdmin: (from, to) => ["Needed to edit the policy", from.replace(":", " "), to.replace(":", " ")],
  protectHigherUsers: (from, to) => ["Users above the actor protected", yesNo(from), yesNo(to)],
  invitationTtl: (from, to) => ["Invitation window", duration(Number(from)), duration(Number(to))],
};

/** Changes listed in a section of their own; the others are listed under "Other changes". */
const SECTIONED = new Set(["escalation_added", "delegation_added", "access_raised", "role_added", "setting_changed", "access_lowered"]);

/** "24 h", "7 d", "90 m", "2 s": the largest unit that divides the window (days from 2 d on). */
function duration(ms) {
  const units = [["d", 86_400_000, 2], ["h", 3_600_000, 1], ["m", 60_000, 1], ["s", 1000, 1]];
  const match = units.find(([, size, min]) => ms >= size * min && ms % size === 0);
  return match ? `${ms / match[1]} ${match[0]}` : `${ms} ms`;
}
