/**
 * The SVG charts, drawn by hand (no chart dependency): ns per decision and per grant check on a log scale
 * with min–max whiskers, and the scale sweep as lines on log–log panels.
 */
import { time } from "./format.js";

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Powers of ten covering [lo, hi]. */
function decades(lo, hi) {
  const out = [];
  for (let p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) out.push(10 ** p);
  return out;
}

/** Log-scale position of v in [lo, hi] mapped to [a, b]. */
const logScale = (lo, hi, a, b) => (v) => a + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (b - a);

/** Horizontal bars per engine (decision, then grant check), log x axis, whiskers at min and max. */
export function decisionChart(results) {
  const rows = Object.entries(results.productA).map(([id, r]) => ({ label: results.engines[id].label, ...r.results[0] }));
  const series = [["decision", "per decision"], ["grant", "per grant check"]];
  const all = rows.flatMap((r) => series.flatMap(([k]) => (r[k] ? [r[k].min, r[k].max] : [])));
  const ticks = decades(Math.min(...all), Math.max(...all));
  const [left, right, top, barH, gap] = [190, 900, 50, 14, 14];
  const x = logScale(ticks[0], ticks.at(-1), left, right - 70);
  const rowH = series.length * barH + gap;
  const height = top + rows.length * rowH + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${right}" height="${height}" viewBox="0 0 ${right} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Product A: median time per decision and grant check (log scale, whiskers min–max)</text>`,
    ...series.map(([, name], i) => `<rect x="${left + i * 160}" y="30" width="12" height="10" fill="${COLORS[i]}"/><text x="${left + 16 + i * 160}" y="39">${name}</text>`),
    ...ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${top - 5}" y2="${height - 35}" stroke="#ddd"/><text x="${x(t)}" y="${height - 20}" text-anchor="middle">${esc(time(t))}</text>`),
  ];
  rows.forEach((r, i) => {
    const y0 = top + i * rowH;
    parts.push(`<text x="${left - 8}" y="${y0 + barH + 4}" text-anchor="end">${esc(r.label)}</text>`);
    series.forEach(([k], j) => {
      if (!r[k]) return;
      const y = y0 + j * barH;
      const { median, min, max } = r[k];
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(median) - left)}" height="${barH - 2}" fill="${COLORS[j]}"/>`,
        `<line x1="${x(min)}" x2="${x(max)}" y1="${y + barH / 2 - 1}" y2="${y + barH / 2 - 1}" stroke="#000"/>`,
        `<text x="${x(max) + 4}" y="${y + barH - 3}" font-size="11">${esc(time(median))}</text>`);
    });
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** One log–log panel per sweep axis: ns per decision against the varied parameter, a line per engine. */
export function sweepChart(results) {
  const axes = [["roles", "roles"], ["features", "features"], ["roles per user", "rolesPerUser"]];
  const ids = Object.keys(results.sweep);
  const all = ids.flatMap((id) => results.sweep[id].results.map((r) => r.decision.median));
  const yt = decades(Math.min(...all), Math.max(...all));
  const [pw, ph, pad, top] = [300, 300, 60, 60];
  const width = axes.length * (pw + pad) + pad + 170;
  const height = top + ph + 60;
  const y = logScale(yt[0], yt.at(-1), top + ph, top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${pad}" y="20" font-size="14" font-weight="bold">Scale sweep: time per decision (log–log); each panel varies one parameter</text>`,
  ];
  axes.forEach(([axis, field], a) => {
    const x0 = pad + a * (pw + pad);
    const points = (id) => results.sweep[id].results.filter((r) => r.spec.axis === axis).map((r) => [r.spec[field], r.decision.median]);
    const xs = points(ids[0]).map(([v]) => v);
    const x = logScale(Math.min(...xs), Math.max(...xs), x0, x0 + pw);
    parts.push(`<text x="${x0 + pw / 2}" y="${top - 12}" text-anchor="middle" font-weight="bold">${esc(axis)}</text>`,
      `<rect x="${x0}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
      ...yt.map((t) => `<line x1="${x0}" x2="${x0 + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>${a === 0 ? `<text x="${x0 - 6}" y="${y(t) + 4}" text-anchor="end">${esc(time(t))}</text>` : ""}`),
      ...xs.map((v) => `<text x="${x(v)}" y="${top + ph + 16}" text-anchor="middle">${v}</text>`));
    ids.forEach((id, i) => {
      const pts = points(id).map(([v, t]) => `${x(v).toFixed(1)},${y(t).toFixed(1)}`);
      parts.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`,
        ...pts.map((p) => `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="3" fill="${COLORS[i % COLORS.length]}"/>`));
    });
  });
  const lx = pad + axes.length * (pw + pad);
  ids.forEach((id, i) => parts.push(`<rect x="${lx}" y="${top + i * 20}" width="12" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 16}" y="${top + i * 20 + 9}">${esc(results.engines[id].label)}</text>`));
  parts.push(`<text x="${pad}" y="${height - 14}" fill="#555">Base point: 250–1,000 roles, 64–500 features, 3 roles per user; each role grants 6 features; 2,000 decisions per point.</text>`, "</svg>");
  return `${parts.join("\n")}\n`;
}
