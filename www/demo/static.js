// Static files of the console and of the `rolegate` package, served by the demo origin so that one
// URL (the worker's) serves the page, the package and the API. Only listed locations are served.
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = fileURLToPath(new URL("..", import.meta.url));
/** The package's browser build (its JS layer, binding and wasm without token code): what a browser loads. */
const PKG = join(dirname(fileURLToPath(import.meta.resolve("rolegate/package.json"))), "browser");
/** The console's OpenID Connect client library (one ES module, no dependencies). */
const OAUTH = dirname(fileURLToPath(import.meta.resolve("oauth4webapi")));
/** The edge worker's sources: the console judges a policy save with the edge's own module. */
const EDGE = fileURLToPath(new URL("../../worker/src", import.meta.url));

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".png": "image/png", ".svg": "image/svg+xml" };

/** URL prefix -> [directory, files allowed under it (extensions, or exact names)]. */
const ROOTS = [
  ["/pkg/", PKG, [".js", ".wasm"]],
  ["/vendor/oauth4webapi/", OAUTH, [".js"]],
  ["/edge/", EDGE, ["policy-edit.js"]],
  ["/ui/", join(WWW, "ui"), [".js"]],
  ["/", WWW, [".html", ".css", ".js", ".svg"]],
];

/** Serves GET/HEAD for a console or package file; returns false when the path is not one. */
export async function serveStatic(req, res, pathname) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = pathname === "/" ? "/index.html" : pathname;
  for (const [prefix, dir, exts] of ROOTS) {
    if (!path.startsWith(prefix)) continue;
    const rel = normalize(decodeURIComponent(path.slice(prefix.length)));
    // Top-level only for "/", one directory for the others: no traversal, no demo/ or test/ sources.
    if (rel.includes(sep) || rel.startsWith(".") || !(exts.includes(extname(rel)) || exts.includes(rel))) return false;
    let body;
    try {
      body = await readFile(join(dir, rel));
    } catch {
      return false;
    }
    res.writeHead(200, { "content-type": TYPES[extname(rel)], "cache-control": "no-cache",
      "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  return false;
}
