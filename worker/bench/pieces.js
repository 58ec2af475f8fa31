// Microbench entry for workerd: `GET /?piece=NAME&n=N` runs one piece of the enforcing worker's work on
// the bench's request (POST add-user by a UserManager, the ES256 access token in `X-Token`) N times, as
// the worker calls it, and answers when done. workerd's clock stands still while JS runs, so the caller
// measures workerd's CPU time around the request (bench/pieces-run.js).
import { authenticate } from "../src/auth.js";
import { readJsonBody } from "../src/body.js";
import { actorAuth, policyFor } from "../src/config.js";
import { logDecision } from "../src/decisions.js";
import { forward } from "../src/origin.js";
import { classify } from "../src/routes.js";

const BODY = '{"email":"new@acme.test","roles":["User"]}';
const ACTOR = { id: "mona", roles: ["UserManager", "User"] };

export default {
  async fetch(request, env) {
    const params = new URL(request.url).searchParams;
    const token = request.headers.get("x-token");
    const make = () => new Request("http://edge.test/api/tenants/acme/users", {
      method: "POST", body: BODY,
      headers: { "content-type": "application/json", "content-length": String(BODY.length), authorization: `Bearer ${token}` },
    });
    const prepared = make();
    const answer = new Response(null, { status: 201 });
    const pieces = {
      /** Building the request `body` reads (subtract it from `body`). */
      request: make,
      classify: () => classify(prepared),
      /** Warm: the token string was verified before (the per-isolate cache of verified tokens). */
      authenticate: () => authenticate(prepared, env, Date.now(), {}),
      /** The same with that cache emptied first: a full ES256 verification with cached keys. */
      verify: () => {
        actorAuth(env).value.verified.clear();
        return authenticate(prepared, env, Date.now(), {});
      },
      body: () => readJsonBody(make(), "add"),
      decide: () => policyFor(env, "acme").value.checkGrant({ actor: ACTOR, target: null, roles: ["User"] }),
      log: () => logDecision(env, { protected: true, now: Date.now(), action: "add", tenant: "acme", actor: "mona",
        roles: ACTOR.roles, policy: policyFor(env, "acme").hash }, answer, { now: Date.now(), started: Date.now() }),
      /** One loopback subrequest to ORIGIN with the body's bytes, its answer read: what both workers pay. */
      forward: async () => {
        const url = new URL(prepared.url);
        await (await forward(make(), env.ORIGIN, url, new TextEncoder().encode(BODY))).arrayBuffer();
      },
    };
    const piece = pieces[params.get("piece")];
    if (!piece) return new Response(`pieces: ${Object.keys(pieces).join(", ")}`, { status: 404 });
    const first = await piece();
    if (first?.response || first?.ok === false) return new Response("the piece failed", { status: 500 });
    for (let i = 1, n = Number(params.get("n") ?? 1000); i < n; i++) await piece();
    return new Response("done");
  },
};
