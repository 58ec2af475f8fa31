// The edge's recent decisions at this tenant, as the worker logged them (the demo collects its
// decision log): who did what to whom, allowed or refused and why, under which policy version.
import { h, fill } from "./dom.js";

/**
 * Renders the decisions (newest first) into `tbody`.
 * @param {HTMLElement} tbody
 * @param {{ time: string, actor: string | null, action: string | null, target: string | null,
 *   decision: string, status: number, reasons: string[], policy: string | null, latencyMs: number }[]} decisions
 */
export function renderDecisions(tbody, decisions) {
  if (decisions.length === 0) {
    return fill(tbody, h("tr", {}, h("td", { colspan: "7", class: "note" }, "No decisions logged yet.")));
  }
  return fill(tbody, decisions.map((d) => h("tr", { class: `decision ${d.decision}` },
    h("td", {}, h("time", { datetime: d.time }, new Date(d.time).toLocaleTimeString())),
    h("td", {}, d.actor ?? "—"),
    h("td", {}, d.action ?? "—"),
    h("td", {}, d.target ?? "—"),
    h("td", {}, h("span", { class: `badge ${d.decision}` }, d.decision), ` ${d.status}`),
    h("td", {}, d.reasons.join(", ") || "—"),
    h("td", { title: d.policy ?? "" }, d.policy ? d.policy.replace(/^sha256:/, "").slice(0, 10) : "—"))));
}
