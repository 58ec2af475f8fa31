// A refusal or failure the console shows where it happened: what was refused and why (the problem's
// detail, or each reason of the decision when there are several). Focusable, for when its button is gone.
import { h } from "./dom.js";

/** @param {string} lead @param {{ message: string, reasons: { message: string }[] }} problem */
export function renderProblem(lead, { message, reasons }) {
  return h("div", { class: "problem", role: "alert", tabindex: "-1" }, h("strong", {}, lead), " ",
    reasons.length > 1 ? h("ul", {}, reasons.map((r) => h("li", {}, r.message))) : message);
}
