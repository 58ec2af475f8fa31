// Which protected route a request is. Paths are judged exactly as they will be forwarded (the URL
// parser's form), and anything that a lenient origin could route into the user-admin subtree
// (encoded or doubled slashes, dot segments, case or suffix variants, trailing slashes, method
// overrides) is refused instead of passing as "unprotected".

/** Protected method for each admin path shape. */
const SHAPES = {
  users: { POST: "add" },
  user: { DELETE: "remove" },
  roles: { PUT: "roles" },
  invitation: { POST: "invite" },
  disable: { POST: "disable" },
  enable: { POST: "enable" },
};
const SUBRESOURCES = new Set(["roles", "invitation", "disable", "enable"]);
const READS = new Set(["GET", "HEAD", "OPTIONS"]);
const ACCEPT_METHODS = new Set(["GET", "HEAD", "POST"]);
const OVERRIDE_HEADERS = ["x-http-method-override", "x-http-method", "x-method-override"];
/** Tenant and user ids: what origin's ids look like, nothing that needs escaping. */
const ID = /^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]{0,127}$/;

/**
 * @typedef {{ kind: "pass", url: URL }
 *   | { kind: "accept", url: URL }
 *   | { kind: "admin", url: URL, action: string, tenant: string, id?: string }
 *   | { kind: "refuse", status: number, code: string, detail: string, headers?: Record<string, string> }} Route
 * @param {Request} request
 * @returns {Route}
 */
export function classify(request) {
  const url = new URL(request.url);
  if (!isGuarded(looseSegments(url.pathname))) return { kind: "pass", url };

  const invalid = (detail) => ({ kind: "refuse", status: 400, code: "invalid_path", detail });
  if (rawPath(request.url) !== url.pathname) return invalid("the path is not in canonical form");
  if (url.pathname.includes("%")) return invalid("percent-encoded characters are not allowed in user-admin paths");
  const segments = url.pathname.slice(1).split("/");
  if (segments.some((s) => s === "")) return invalid("empty path segments (doubled or trailing slashes) are not allowed");
  const method = request.method;
  if (OVERRIDE_HEADERS.some((h) => request.headers.has(h)) || url.searchParams.has("_method")) {
    return { kind: "refuse", status: 400, code: "invalid_request", detail: "method overrides are not accepted on user-admin paths" };
  }

  if (segments[0] === "invitations") {
    if (segments.length !== 2 || segments[1] !== "accept") return invalid("not a canonical invitation link path");
    if (!ACCEPT_METHODS.has(method)) return notAllowed(["GET", "HEAD", "POST"]);
    return { kind: "accept", url };
  }

  const [api, tenants, tenant, users, id, sub, ...rest] = segments;
  if (api !== "api" || tenants !== "tenants" || users !== "users") return invalid("not a canonical user-admin path");
  if (!ID.test(tenant) || (id !== undefined && !ID.test(id))) return invalid("tenant and user ids must be plain identifiers");
  if (sub !== undefined && !SUBRESOURCES.has(sub) && SUBRESOURCES.has(looseSegment(sub))) {
    return invalid("not a canonical user-admin path");
  }
  const shape = rest.length > 0 ? undefined : id === undefined ? "users" : sub === undefined ? "user" : SUBRESOURCES.has(sub) ? sub : undefined;
  const action = shape && SHAPES[shape][method];
  if (action) return { kind: "admin", url, action, tenant, id };
  if (READS.has(method)) return { kind: "pass", url };
  return notAllowed(shape ? [...READS, ...Object.keys(SHAPES[shape])] : [...READS]);
}

function notAllowed(methods) {
  return {
    kind: "refuse", status: 405, code: "method_not_allowed",
    detail: "this method is not accepted on this user-admin path", headers: { allow: methods.join(", ") },
  };
}

/** True when a lenient router could take the path for the user-admin subtree or the invitation link. */
function isGuarded(loose) {
  return (loose[0] === "api" && loose[1] === "tenants" && loose[3] === "users") ||
    (loose[0] === "invitations" && loose[1] === "accept");
}

/**
 * The path as the most lenient origin might read it: decoded (repeatedly), backslashes as slashes,
 * empty and dot segments resolved, lower case, matrix parameters and suffixes dropped.
 */
function looseSegments(pathname) {
  let path = pathname;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(path); i++) {
    path = path.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  }
  const out = [];
  for (const raw of path.split(/[/\\]/)) {
    const seg = looseSegment(raw);
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out;
}

function looseSegment(raw) {
  const seg = raw.split(";")[0].replace(/^[\s\x00-\x1f]+|[\s\x00-\x1f]+$/g, "").toLowerCase();
  return /^\.+$/.test(seg) ? seg : seg.split(".")[0];
}

/** The path part of the URL string as received, before any parser touched it. */
function rawPath(href) {
  const rest = href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
  return rest.split(/[?#]/)[0];
}
