// A Worker as wrangler bundles it: the package's workerd entry (the wasm as a compiled module import).
import * as rolegate from "rolegate";
import { answers } from "../../probe.js";

export default {
  fetch() {
    return Response.json(answers(rolegate));
  },
};
