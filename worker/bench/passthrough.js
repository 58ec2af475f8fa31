// Pass-through worker for the latency budget: the same forwarding code as the enforcing worker,
// with no checks, so the difference between the two is what enforcement costs.
import { forward } from "../src/origin.js";

export default {
  fetch(request, env) {
    return forward(request, env.ORIGIN.replace(/\/$/, ""), new URL(request.url));
  },
};
