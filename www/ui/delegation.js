// The delegation matrix: role x role, whether an actor holding only the row's role may grant the column's
// (the package's `delegation`, decided by the same grant rules), escalation paths marked.
import { h, fill } from "./dom.js";

/** @param {HTMLElement} root @param {{ policy: any }} view */
export function renderDelegation(root, { policy }) {
  let graph;
  try {
    graph = policy.delegation();
  } catch (err) {
    if (err.code !== "too_large") throw err;
    return fill(root, h("p", { class: "note" }, err.message));
  }
  const { grants, escalations } = graph;
  const roles = grants.map((g) => g.granter);
  const escalation = (granter, role) => escalations.find((e) => e.granter === granter && e.role === role);
  fill(root, h("h3", { id: "delegation-title" }, "Who may grant what"),
    h("p", { class: "note" }, `An actor holding only the row's role may grant the column's (grant rule “${policy.grantRule}”).`),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-labelledby": "delegation-title" },
      h("table", { class: "matrix delegation", "aria-labelledby": "delegation-title" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Granter"), roles.map((r) => h("th", { scope: "col" }, r)))),
        h("tbody", {}, grants.map(({ granter, roles: may }) => h("tr", {}, h("th", { scope: "row" }, granter),
          roles.map((role) => {
            const e = escalation(granter, role);
            if (e) {
              return h("td", { class: "escalation", "data-granter": granter, "data-role": role },
                h("span", { "aria-hidden": "true" }, "!"),
                h("span", { class: "visually-hidden" }, "may grant, "),
                h("span", { class: "via" }, `gives ${e.feature} ${e.needed} above ${e.held}`));
            }
            return may.includes(role)
              ? h("td", { class: "win", "data-granter": granter, "data-role": role }, h("span", { "aria-hidden": "true" }, "✓"),
                h("span", { class: "visually-hidden" }, "may grant"))
              : h("td", { class: "above" }, h("span", { class: "visually-hidden" }, "may not grant"));
          })))))));
}
