// Node, ES modules: `import` by name (the node entry, ready at once).
import * as rolegate from "rolegate";
import { answers } from "./probe.js";

console.log(JSON.stringify(answers(rolegate)));
