// The policy panel: the tenant's policy JSON in an editor, validated by the package on every keystroke,
// every error listed with its JSON path. A valid draft can drive this console (a preview); the edge
// worker keeps enforcing the deployed document.
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
 * @param {{ textarea: HTMLTextAreaElement, result: HTMLElement, useDraft: HTMLButtonElement, reset: HTMLButtonElement }} els
 * @param {{ Policy: any, onUseDraft: (policy: any) => void }} deps
 */
export function mountPolicyPanel(els, { Policy, onUseDraft }) {
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
    els.useDraft.disabled = !valid || els.textarea.value === deployedText;
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

const item = ({ path, code, message }) =>
  h("li", {}, h("code", { class: "path" }, path || "(document)"), " ", message, " ", h("small", {}, `(${code})`));

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
