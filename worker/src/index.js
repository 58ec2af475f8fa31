// rolegate edge worker: refuses invalid user-administration requests before they reach origin.
// Protected routes are checked with the rolegate core (compiled once per isolate); everything else
// is forwarded untouched. Each protected request's decision is logged (decisions.js). Configuration
// and the edge/origin split: see worker/README.md.
import { handleAdmin } from "./admin.js";
import { nowMs } from "./clock.js";
import { originBase, routeMap } from "./config.js";
import { logDecision } from "./decisions.js";
import { handleAccept } from "./invitations.js";
import { forward } from "./origin.js";
import { problem } from "./problems.js";
import { classify } from "./routes.js";

export { InvitationLedger } from "./ledger.js";

export default {
  /** @param {Request} request */
  async fetch(request, env, ctx) {
    const started = Date.now();
    /** @type {import("./decisions.js").Audit} */
    const audit = { protected: false, now: started, action: null };
    let response;
    try {
      response = await handle(request, env, audit);
    } catch (err) {
      console.error(`rolegate edge: internal error: ${err?.code ?? err?.name ?? "error"}`);
      response = problem(500, "internal_error", "the edge failed to process this request; nothing was forwarded");
    }
    if (audit.protected) {
      // After the answer is ready, and off its path: the line waits for nothing the client waits for.
      const logged = logDecision(env, audit, response, { now: audit.now, started });
      ctx?.waitUntil?.(logged);
    }
    return response;
  },
};

/** The edge's answer: a refusal, or origin's answer to the forwarded request. */
async function handle(request, env, audit) {
  const map = routeMap(env);
  if (!map.ok) {
    // Without a valid map the edge cannot tell which requests are protected: it forwards none.
    Object.assign(audit, { protected: true, now: nowMs(request, env) });
    return problem(503, "routes_unavailable", "the edge has no valid ROUTES; nothing was forwarded");
  }
  const route = classify(request, map.value);
  if (route.kind !== "pass") {
    const action = route.kind === "accept" ? "accept" : route.action ?? null;
    Object.assign(audit, { protected: true, now: nowMs(request, env), action, tenant: route.tenant, target: route.id });
  }
  const base = originBase(env);
  if (!base.ok) return problem(503, "origin_unavailable", "the edge has no valid ORIGIN; nothing was forwarded");
  if (route.kind === "pass") return forward(request, base.value, route.url);
  if (route.kind === "refuse") {
    return problem(route.status, route.code, route.detail, { headers: route.headers });
  }
  const ctx = { env, base: base.value, now: audit.now, audit };
  return route.kind === "accept" ? handleAccept(request, route, ctx) : handleAdmin(request, route, ctx);
}
