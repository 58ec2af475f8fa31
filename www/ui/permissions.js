// Effective permissions of a role set: features x levels, the winning level marked with the roles
// that supplied it (the package's `explain`).
import { h, fill } from "./dom.js";

/** @param {HTMLElement} root @param {{ policy: any, roles: string[], caption: string }} view */
export function renderPermissions(root, { policy, roles, caption }) {
  const features = policy.features();
  const explained = policy.explain(roles);
  const levels = levelColumns(features);
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

/**
 * One column per level name, ordered so that every feature reads low to high, left to right (the policy's
 * level orders merged; where they do not decide, the order names first appear in). Should two features
 * order the same names both ways, the rest follow in first-appearance order.
 */
function levelColumns(features) {
  const after = new Map(); // level -> levels that some feature puts right after it
  const before = new Map(); // level -> how many distinct levels some feature puts right before it
  for (const { levels } of features) {
    for (const [i, level] of levels.entries()) {
      if (!after.has(level)) after.set(level, new Set());
      if (!before.has(level)) before.set(level, 0);
      const next = levels[i + 1];
      if (next !== undefined && !after.get(level).has(next)) {
        after.get(level).add(next);
        before.set(next, (before.get(next) ?? 0) + 1);
      }
    }
  }
  const order = [];
  const left = [...after.keys()]; // first-appearance order
  while (left.length) {
    const i = Math.max(0, left.findIndex((l) => before.get(l) === 0));
    const [level] = left.splice(i, 1);
    order.push(level);
    for (const next of after.get(level)) before.set(next, before.get(next) - 1);
  }
  return order;
}
