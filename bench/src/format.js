/** Number formatting shared by the tables and the charts. */

/** Nanoseconds as ns, µs or ms with three significant digits. */
export function time(ns) {
  const [v, unit] = ns < 1e3 ? [ns, "ns"] : ns < 1e6 ? [ns / 1e3, "µs"] : [ns / 1e6, "ms"];
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${unit}`;
}

/** Bytes as KB (1 KB = 1,024 bytes) with one decimal. */
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

export const ms = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;

/** A ratio as "12.3×". */
export const times = (r) => `${r < 10 ? r.toFixed(2) : r < 1000 ? r.toFixed(1) : Math.round(r).toLocaleString("en-US")}×`;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
