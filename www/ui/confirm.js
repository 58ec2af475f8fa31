// Asking before an action: the page's modal dialog, titled with the question, saying what happens, with the
// action's button and Cancel. Cancel has the focus; Escape or Cancel changes nothing; on closing, the browser
// puts focus back where it was. A delete and a policy save that changes access both ask here.
import { h, fill } from "./dom.js";

/**
 * Asks `title`; resolves true only on the action's button.
 * @param {HTMLDialogElement} dialog labelled by its `#confirm-title`, described by its `#confirm-detail`
 * @param {{ title: string, detail: (Node | string)[], action: string, danger?: boolean }} ask
 *   `detail`: what the action does (paragraphs, lists); `action`: its button's text
 * @returns {Promise<boolean>}
 */
export function confirmAction(dialog, { title, detail, action, danger = false }) {
  fill(dialog, h("form", { method: "dialog" },
    h("h2", { id: "confirm-title" }, title),
    h("div", { id: "confirm-detail" }, detail),
    h("div", { class: "buttons" },
      h("button", { type: "submit", value: "confirm", id: "confirm-action", class: danger ? "danger" : "primary" }, action),
      h("button", { type: "submit", value: "cancel", id: "confirm-cancel", autofocus: true }, "Cancel"))));
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }));
}
