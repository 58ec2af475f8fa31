/**
 * The markdown report: machine and versions, the product A table (with each engine's Node flags and how it
 * checks grants), product A in covered mode, cold starts, download sizes, the scale sweep, the edge, and every
 * target of issues 2, 3, 5, 10 and 16 with its verdict and, when missed, by how much.
 */
import { kb, median, ms, time, times } from "./format.js";
import { EFFECTIVE_BUDGET_KEY } from "./workload.js";

const row = (cells) => `| ${cells.join(" | ")} |`;
const table = (head, rows) => [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
const spread = (s) => `${time(s.median)} (${time(s.min)}–${time(s.max)})`;
const flags = (f) => (f.length ? f.map((x) => `\`${x}\``).join(" ") : "none");

/**
 * rolegate's cold start (median total, by name) in the run before issue 10: docs/bench/results.json of the
 * full `make bench` run of 2026-12-01 23:21 UTC (7 fresh processes, 16.6–21.3 ms). Issue 10 asks for half of it.
 */
export const COLD_START_BEFORE_ISSUE_10_MS = 17.9;

/**
 * A target "measured <= limit" (or ">=" when `atLeast`) of one issue or several (an array): the verdict and,
 * when missed, by how much.
 */
export function target(issue, what, measured, limit, show, { atLeast = false } = {}) {
  const met = atLeast ? measured >= limit : measured <= limit;
  const factor = atLeast ? limit / measured : measured / limit;
  const verdict = met ? "met" : `**missed** by ${times(factor)} (${show(measured)} vs ${show(limit)})`;
  return { issue: [issue].flat(), what, measured: show(measured), verdict, met };
}

/**
 * Whether a series grows at most linearly with its parameter and without step changes: no step between
 * consecutive points, and not the whole range, grows more than 1.5× faster than the parameter (a constant
 * time passes). R² of a least-squares line is reported alongside.
 */
export function growth(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const syy = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  const rel = ([x0, y0], [x1, y1]) => (y1 / y0) / (x1 / x0);
  const step = Math.max(...points.slice(1).map((p, i) => rel(points[i], p)));
  const overall = rel(points[0], points[n - 1]);
  return { r2, step, overall, linear: step <= 1.5 && overall <= 1.5 };
}

/** Median, min and max of an engine's cold starts (ms), and the median of each phase. */
function coldStats(results, id) {
  const runs = results.cold[id];
  const totals = runs.map((c) => c.totalMs);
  const phase = (f) => median(runs.map(f));
  return { total: median(totals), min: Math.min(...totals), max: Math.max(...totals), importMs: phase((c) => c.importMs),
    loadMs: phase((c) => c.loadMs), firstMs: phase((c) => c.firstMs), setupMs: phase((c) => c.importMs + c.loadMs) };
}

/**
 * The `effective` columns read role lists the policy has cached (1,000 users, cache of 1,024); at the budget
 * point the one-feature read is also timed on a policy that misses every time (compile, levels, view).
 */
function effectiveMiss(results) {
  const r = results.sweep["rolegate-names"].results.find((x) => x.effectiveOneMiss);
  return r ? [`\`effective\` columns: role lists the policy has cached (1,000 users, default cache of 1,024 lists). At ${r.spec.roles} roles / ${r.spec.features} features / ${r.spec.rolesPerUser} roles per user, ` +
    `the one-feature read missing the cache every time (\`cacheSize: 3\`: compile the set, copy its levels, make the view): ${spread(r.effectiveOneMiss)}.`, ""] : [];
}

/** Issue 5's growth targets over the scale sweep. */
function sweepTargets(results) {
  const pts = results.sweep["rolegate-names"].results;
  const series = [["by-name decision", "rolegate-names", "decision"], ["compiled decision", "rolegate-compiled", "decision"],
    ["`effective`", "rolegate-names", "effective"]];
  return [["roles per user", "rolesPerUser"], ["features", "features"]].flatMap(([axis, field]) => series.map(([what, id, kind]) => {
    const g = growth(pts.flatMap((p, i) => (p.spec.axis === axis ? [[p.spec[field], results.sweep[id].results[i][kind].median]] : [])));
    return { issue: [5], what: `sweep: ${what} linear in ${axis}, no step changes`,
      measured: `largest step ${g.step.toFixed(2)}×, whole range ${g.overall.toFixed(2)}× the parameter's growth; R² ${g.r2.toFixed(2)}`,
      verdict: g.linear ? "met" : "**missed**", met: g.linear };
  }));
}

/**
 * Every target of issues 2, 3, 5, 10 and 16 with its verdict; ratios are between figures of this run (the cold
 * start before issue 10 excepted: it is the previous run's, see COLD_START_BEFORE_ISSUE_10_MS).
 */
export function targets(results) {
  const a = (id) => results.productA[id].results[0];
  const fast = a("rolegate-compiled");
  const names = a("rolegate-names");
  const rg = coldStats(results, "rolegate-names");
  const { browser, workerd } = results.rolegatePackage;
  const budget1k = results.sweep?.["rolegate-names"].results.find((r) => r.key === EFFECTIVE_BUDGET_KEY);
  const e = results.edge;
  return [
    target(2, "`.wasm` after wasm-opt (edge build, what workerd loads), gzipped ≤ 60 KB", workerd.wasm.gzip, 60 * 1024, kb),
    target(2, "fast-path `allows`, user with 3 roles, median ≤ 100 ns", fast.allows3.median, 100, time),
    target(2, "`checkGrant` by role names, actor with 3 roles, median ≤ 2 µs", names.checkGrant3.median, 2000, time),
    target(2, "`Policy.fromJson` + instantiation (fresh process) ≤ 2 ms", rg.setupMs, 2, ms),
    ...(budget1k ? [
      target(2, "`effective`, 1,000 roles / 500 features / 50-role user ≤ 20 µs", budget1k.effective.median, 20000, time),
      target(10, "`effective` at 1,000 roles / 500 features / 50-role user, one feature read (`.users`), ≤ 20 µs", budget1k.effectiveOne.median, 20000, time),
    ] : []),
    ...(e.skipped ? [] : [
      target([3, 10], "edge: added median latency per protected request ≤ 0.2 ms", e.addedMs, 0.2, ms),
      target([3, 10], "edge: throughput ≥ 90% of pass-through", e.throughputRatio, 0.9, (r) => `${(r * 100).toFixed(0)}%`, { atLeast: true }),
    ]),
    target(5, "fast-path decision no slower than the plain-JS floor", fast.decision.median / a("plain").decision.median, 1, times),
    target(5, "by-name decision ≤ 1 µs", names.decision.median, 1000, time),
    target(5, "grant check by names ≤ 2 µs", names.grant.median, 2000, time),
    target(5, "compiled grant check ≤ ¼ of the plain-JS floor", fast.grant.median / a("plain").grant.median, 0.25, times),
    target(5, "decisions ≥ 1,000× faster than cedar-wasm (compiled)", a("cedar").decision.median / fast.decision.median, 1000, times, { atLeast: true }),
    target(5, "decisions ≥ 1,000× faster than cedar-wasm (by name)", a("cedar").decision.median / names.decision.median, 1000, times, { atLeast: true }),
    target(5, "decisions faster than CASL (compiled)", fast.decision.median / a("casl").decision.median, 1, times),
    target([5, 10], "by-name `allows` ≤ 1.0× CASL's time (decisions faster than CASL by name)", names.decision.median / a("casl").decision.median, 1, times),
    target(10, "by-name `allows` ≤ 2× the plain-JS floor's time", names.decision.median / a("plain").decision.median, 2, times),
    target(10, "`checkGrant` by names, allowed path (product A's allowed requests) ≤ 1 µs", names.grantAllowed.median, 1000, time),
    target(10, "`checkGrant` by names, refusal with reasons (product A's refused requests) ≤ 5 µs", names.grantRefused.median, 5000, time),
    target([5, 10], "browser entry: `.wasm` + JS (esbuild bundle, `browser` condition) ≤ 40 KB gzipped", browser.total.gzip, 40 * 1024, kb),
    target(10, "workerd entry: `edge/` `.wasm` + JS (esbuild bundle, `workerd` condition) ≤ 60 KB gzipped", workerd.total.gzip, 60 * 1024, kb),
    target(5, "cold start (import, instantiate, load, first decision) ≤ 2 ms", rg.total, 2, ms),
    target(10, `cold start ≤ 0.5× the run before issue 10 (${ms(COLD_START_BEFORE_ISSUE_10_MS)})`, rg.total / COLD_START_BEFORE_ISSUE_10_MS, 0.5, times),
    target(10, "cold start below CASL's (same run)", rg.total / coldStats(results, "casl").total, 1, times),
    target(16, "`checkGrant` by names, allowed path (product A's allowed requests) ≤ 0.5 µs", names.grantAllowed.median, 500, time),
    target(16, "`checkGrant` by names, refused with its reasons (product A's refused requests) ≤ 1 µs", names.grantRefused.median, 1000, time),
    ...(results.covered ? [target(16, "covered mode, about half refused with several reasons: `checkGrant` by names no slower than CASL composed",
      results.covered["rolegate-names"].results[0].grant.median / results.covered.casl.results[0].grant.median, 1, times)] : []),
    target(16, "browser entry: `.wasm` + JS ≤ 40 KB gzipped", browser.total.gzip, 40 * 1024, kb),
    target(16, "workerd entry: `.wasm` + JS ≤ 50 KB gzipped", workerd.total.gzip, 50 * 1024, kb),
    target(16, "cold start no slower than CASL's (same run)", rg.total / coldStats(results, "casl").total, 1, times),
    ...(results.sweep ? sweepTargets(results) : []),
  ];
}

export function report(results) {
  const m = results.machine;
  const ids = Object.keys(results.productA);
  const a = (id) => results.productA[id].results[0];
  const label = (id) => results.engines[id].label;
  const cold = (id) => coldStats(results, id);
  const fast = a("rolegate-compiled");
  const split = (kind, what) => `${a("rolegate-names").checked[kind].of} ${what} ${spread(a("rolegate-names")[kind])}`;
  const out = [];

  out.push("# rolegate benchmarks", "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.platform}; Node ${m.node}; run ${m.date}, ${results.seconds.toFixed(0)} s.`,
    `Packages: ${Object.entries(m.packages).map(([p, v]) => `${p} ${v}`).join(", ")}.`,
    "Every figure comes from one `make -C bench bench` run; compare ratios rather than absolute times across machines.", "");

  out.push("## Product A: decisions and grant checks", "",
    "Product A's policy, 1,000 users with 1–3 roles, 10,000 decisions (\"may U use feature F at level L\"), 2,000 grant requests " +
    "(new users, role changes, self changes and protected targets mixed in). Each engine runs in its own Node process with the flags shown; " +
    `every answer was cross-checked against rolegate's before timing (zero mismatches). Time per operation: median over ${fast.decision.reps} repetitions after warm-up (min–max).`, "",
    table(["engine", "Node flags", "per decision", "vs compiled", "per grant check", "grant check", "allowed"],
      ids.map((id) => {
        const r = a(id);
        return [label(id), flags(results.engines[id].flags), spread(r.decision), times(r.decision.median / fast.decision.median),
          r.grant ? spread(r.grant) : "–", results.engines[id].grantNote,
          `${r.checked.decisions.allowed}/${r.checked.decisions.of}, ${r.checked.grants?.allowed ?? "–"}/${r.checked.grants?.of ?? "–"}`];
      })), "", `rolegate's \`checkGrant\` by names split by the answer: ${split("grantAllowed", "allowed")}; ${split("grantRefused", "refused, with reasons")}.`,
    "", "![time per decision and grant check](decisions.svg)", "");

  if (results.covered) {
    const c = (id) => results.covered[id].results[0];
    const n = c("rolegate-names");
    out.push("## Product A in covered mode: refusals with several reasons", "",
      `Product A's roles under \`grantRule: "covered"\`, 1,000 users with 1–2 roles, 2,000 grant requests: ${n.checked.grantRefused.of} refused, ` +
      `with ${n.reasons.toFixed(1)} reasons each on average (each feature the actor lacks for each role being added). Cross-checked like product A; ` +
      "CASL's check is composed from `can` as for product A, each role being added checked feature by feature (`can` at the level the role gives).", "",
      table(["engine", "per grant check", "allowed path", "refused path"], Object.keys(results.covered).map((id) => [label(id),
        spread(c(id).grant), c(id).grantAllowed ? spread(c(id).grantAllowed) : "–", c(id).grantRefused ? spread(c(id).grantRefused) : "–"])), "");
  }

  out.push("## Cold start (fresh process each)", "",
    `Import the engine (for wasm engines: compile and instantiate), load product A's policy, answer the first decision; median of ${results.cold[ids[0]].length} fresh processes (min–max of the total). Node's own start-up is not included.`, "",
    table(["engine", "import + instantiate", "load policy", "first decision", "total"],
      ids.map((id) => { const c = cold(id); return [label(id), ms(c.importMs), ms(c.loadMs), ms(c.firstMs), `${ms(c.total)} (${ms(c.min)}–${ms(c.max)})`]; })), "");

  const b = results.bundles;
  const size = (s) => (s ? `${kb(s.raw)} / ${kb(s.gzip)} / ${kb(s.brotli)}` : "–");
  out.push("## Download size (raw / gzip -9 / brotli -11)", "",
    "esbuild bundle of each engine's adapter for the browser (the library plus the benchmark's few lines of glue), minified; wasm engines add the `.wasm` they fetch.", "",
    table(["engine", "JS bundle", "wasm", "total"], [
      ...ids.map((id) => [label(id), size(b[id].js), size(b[id].wasm), size(b[id].total)]),
      ...["browser", "workerd"].map((entry) => {
        const p = results.rolegatePackage[entry];
        return [`rolegate package alone, ${entry} entry (\`${entry}\` condition: all its JS + \`${p.wasmFile}\`)`, size(p.js), size(p.wasm), size(p.total)];
      }),
    ]), "");

  if (results.sweep) {
    const sids = Object.keys(results.sweep);
    const pts = results.sweep[sids[0]].results;
    out.push("## Scale sweep (ns per decision)", "",
      "Synthetic policies; each point varies one parameter (each role grants 6 features, every fourth role includes one or two others). " +
      "2,000 decisions per point over 1,000 users. Engines slower than 3 s for a point's 2,000 decisions were cross-checked on the prefix they answered in 3 s (shown as checked/total).", "",
      table(["axis", "roles", "features", "roles/user", ...sids.map(label), "rolegate `effective`", "`effective`, one feature read"],
        pts.map((p, i) => [p.spec.axis, p.spec.roles, p.spec.features, p.spec.rolesPerUser,
          ...sids.map((id) => {
            const r = results.sweep[id].results[i];
            const c = r.checked.decisions;
            return `${time(r.decision.median)}${c.n < c.of ? ` (${c.n}/${c.of})` : ""}`;
          }),
          ...["effective", "effectiveOne"].map((k) => time(results.sweep["rolegate-names"].results[i][k].median))])), "",
      ...effectiveMiss(results), "![scale sweep](sweep.svg)", "");
  }

  const e = results.edge;
  if (e.skipped) out.push("## Edge worker", "", `Skipped: ${e.skipped}.`, "");
  else {
    out.push("## Edge worker in workerd (loopback, wrk)", "",
      `${e.request}: the enforcing worker (ES256 token check with a warm key cache, body validation, \`checkGrant\`, forward, one decision-log line) against the pass-through worker (forward only), ` +
      `both in one workerd, same loopback origin answering at once. Latency at 1 connection, throughput at ${e.connections}; medians of ${e.rounds} alternating rounds of ${e.seconds} s ` +
      "(the last row: medians of each round's own difference and ratio, pass-through and enforcing run back to back).", "",
      table(["worker", "median latency (1 conn.)", `requests/s (${e.connections} conn.)`], [
        ["pass-through", ms(e.passthrough.p50Ms), e.passthrough.rps.toFixed(0)],
        ["enforcing", ms(e.enforce.p50Ms), e.enforce.rps.toFixed(0)],
        ["enforcing, same request refused (every check, nothing forwarded)", ms(e.refused.p50Ms), e.refused.rps.toFixed(0)],
        ["enforcing − pass-through", ms(e.addedMs), `${(e.throughputRatio * 100).toFixed(0)}%`],
        ...(e.fresh ? [
          ["enforcing, actor's current record read at origin (ACTOR_CHECK=origin, the default)", ms(e.fresh.p50Ms), e.fresh.rps.toFixed(0)],
          ["freshness check: ACTOR_CHECK=origin − token", ms(e.freshness.addedMs), `${(e.freshness.throughputRatio * 100).toFixed(0)}%`],
        ] : []),
      ]), "", ...(e.fresh ? ["The budget's enforcing worker trusts the token's roles (`ACTOR_CHECK=token`); the freshness check " +
      "(for this add, one more origin round trip before forwarding) is the last two rows.", ""] : []),
      ...(e.coldKeys ? [`A cold key fetch (the first ES256 request of ${e.coldKeys.isolates} isolates, each warmed first with an HS256 request; ` +
        `${e.coldKeys.fetches.discovery} discovery and ${e.coldKeys.fetches.jwks} JWK Set fetches in all): ${ms(e.coldKeys.firstMs)} median against ` +
        `${ms(e.coldKeys.nextMs)} for the next request with another token, so the fetch adds ${ms(e.coldKeys.addedMs)} (loopback provider).`, ""] : []));
  }

  const all = targets(results);
  out.push("## Targets (issues 2, 3, 5, 10 and 16)", "", "Ratios are engine time ÷ reference time from this run (the cold start before issue 10 excepted: the previous full run's).", "",
    table(["issue", "target", "measured", "verdict"], all.map((t) => [t.issue.map((i) => `#${i}`).join(", "), t.what, t.measured, t.verdict])), "",
    `${all.filter((t) => t.met).length} of ${all.length} targets met.`, "");
  return out.join("\n");
}
