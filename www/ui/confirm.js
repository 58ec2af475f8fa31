// The confirmation before a delete: a modal dialog that names the user. Escape or "Cancel" keeps them.
import { h, fill } from "./dom.js";

/**
 * Asks whether to delete `user` from `tenant`; resolves true only on the dialog's delete button.
 * @param {HTMLDialogElement} dialog (labelled by its `#confirm-title`)
 * @returns {Promise<boolean>}
 */
export function confirmDelete(dialog, { user, tenant }) {
  fill(dialog, h("form", { method: "dialog" },
    h("h2", { id: "confirm-title" }, `Delete ${user.name}?`),
    h("p", { id: "confirm-detail" }, `${user.name} (${user.email}) is removed from ${tenant} and can no longer sign in to it. `
      + "This cannot be undone."),
    h("div", { class: "buttons" },
      h("button", { type: "submit", value: "delete", id: "confirm-delete", class: "danger" }, `Delete ${user.name}`),
      h("button", { type: "submit", value: "cancel", id: "confirm-cancel", autofocus: true }, "Cancel"))));
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "delete"), { once: true }));
}
