// Node, CommonJS: `require` by name (the node entry through require(esm), Node 20.19 and 22.12 on).
const rolegate = require("rolegate");

import("./probe.js").then(({ answers }) => console.log(JSON.stringify(answers(rolegate))));
