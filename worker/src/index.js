// rolegate edge worker: refuses invalid user-administration requests before they reach origin.
// Protected routes are checked with the rolegate core (compiled once per isolate); everything else
// is forwarded untouched. Configuration and the edge/origin split: see worker/README.md.
import { handleAdmin } from "./admin.js";
import { nowMs } from "./clock.js";
import { originBase } from "./config.js";
import { handleAccept } from "./invitations.js";
import { forward } from "./origin.js";
import { problem } from "./problems.js";
import { classify } from "./routes.js";

export default {
  /** @param {Request} request */
  async fetch(request, env) {
    try {
      const base = originBase(env);
      if (!base.ok) return problem(503, "origin_unavailable", "the edge has no valid ORIGIN; nothing was forwarded");
      const route = classify(request);
      if (route.kind === "pass") return forward(request, base.value, route.url);
      if (route.kind === "refuse") {
        return problem(route.status, route.code, route.detail, { headers: route.headers });
      }
      const ctx = { env, base: base.value, now: nowMs(request, env) };
      return await (route.kind === "accept" ? handleAccept(request, route, ctx) : handleAdmin(request, route, ctx));
    } catch (err) {
      console.error(`rolegate edge: internal error: ${err?.code ?? err?.name ?? "error"}`);
      return problem(500, "internal_error", "the edge failed to process this request; nothing was forwarded");
    }
  },
};
