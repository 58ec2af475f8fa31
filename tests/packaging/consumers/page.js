// The page each bundler builds: the package's browser entry as a user imports it, its answers shown in #result.
import init, * as rolegate from "rolegate";
import { answers } from "./probe.js";

const out = document.querySelector("#result");
init().then(
  () => { out.textContent = JSON.stringify(answers(rolegate)); },
  (e) => { out.textContent = JSON.stringify({ error: String(e?.message ?? e) }); },
);
