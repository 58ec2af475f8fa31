// Effective permissions of a role set: features x levels, the winning level marked with the roles
// that supplied it (the package's `explain`).
import { h, fill } from "./dom.js";

/** @param {HTMLElement} root @param {{ policy: any, roles: string[], caption: string }} view */
export function renderPermissions(root, { policy, roles, caption }) {
  const features = policy.features();
  const explained = policy.explain(roles);
  const levels = [...new Set(features.flatMap((f) => f.levels))];
  fill(root, h("h3", { id: "matrix-title" }, caption),
    h("div", { class: "scroll", tabindex: "0", role: "region", "aria-labelledby": "matrix-title" },
    h("table", { class: "matrix", "aria-labelledby": "matrix-title" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Feature"),
        levels.map((l) => h("th", { scope: "col" }, l)))),
      h("tbody", {}, features.map((f) => {
        const { level, roles: via } = explained[f.name];
        const won = f.levels.indexOf(level);
        return h("tr", {}, h("th", { scope: "row" }, f.label || f.name),
          levels.map((l) => {
            const i = f.levels.indexOf(l);
            if (i < 0) return h("td", { class: "na" }, h("span", { class: "visually-hidden" }, "not a level of this feature"));
            if (i === won) {
              return h("td", { class: i === 0 ? "win none" : "win", "data-feature": f.name },
                h("span", { class: "mark", "aria-hidden": "true" }, i === 0 ? "○" : "●"),
                h("span", { class: "visually-hidden" }, "winning level"),
                via.length ? h("span", { class: "via" }, `via ${via.join(", ")}`) : h("span", { class: "via" }, "no access"));
            }
            return i < won ? h("td", { class: "below" }, h("span", { "aria-hidden": "true" }, "✓"),
              h("span", { class: "visually-hidden" }, "included")) : h("td", { class: "above" });
          }));
      })))));
}
