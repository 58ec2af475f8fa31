// Runs the README's Node example as written, and checks each commented result.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const block = readme.match(/\*\*Node\*\*[\s\S]*?```js\n([\s\S]*?)```/)[1];

test("the README's Node example runs and says what it prints", async () => {
  // Each `expr; // result` line becomes an assertion; imports and declarations run as they are.
  const body = block
    .split("\n")
    .filter((line) => !line.startsWith("import "))
    .map((line) => {
      const m = line.match(/^(.*?);\s*\/\/\s*(".*?"|\[.*\]|true|false)/);
      return m ? `assert.deepEqual(${m[1]}, ${m[2]});` : line;
    })
    .join("\n");
  const { Policy } = await import("rolegate");
  process.chdir(new URL("../..", import.meta.url).pathname);
  new Function("Policy", "readFileSync", "assert", body)(Policy, readFileSync, assert);
  assert.equal(body.match(/assert\.deepEqual/g).length, 7, "every commented result is checked");
});
