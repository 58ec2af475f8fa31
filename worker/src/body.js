// Request bodies of protected routes: JSON only, at most 64 KiB (by Content-Length and by the bytes
// actually read), parsed strictly (no member named twice), the requested roles read at the route's
// JSON pointer, and kept as the exact bytes received so the forwarded request is byte-identical.
import { parseJson } from "rolegate";
import { problem } from "./problems.js";
import { pathOf, valueAt } from "./pointer.js";

export const MAX_BODY_BYTES = 64 * 1024;
/** Strict UTF-8 that keeps a BOM (JSON.parse then refuses it); one per isolate: creating one is costly. */
export const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The exact members (and their types, `?` = optional) of the default map's bodies (docs/origin-api.md). A
 * route of ROUTES checks only its roles: its other members are origin's business and pass unchanged.
 */
export const DOCUMENTED_BODIES = {
  add: { email: "string", name: "string?", roles: "string[]" },
  roles: { roles: "string[]" },
};

/**
 * A query parameter named like a body member the edge checks (`?roles=`, `?roles[]=`, `?email=`): an origin
 * that merges query and body parameters could read it instead of the checked body, so it is refused.
 * @param {URL} url
 * @param {import("./routes.js").Route} route
 * @returns {Response | undefined}
 */
export function shadowingQuery(url, route) {
  const checked = route.members ? Object.keys(route.members) : route.roles?.length ? [route.roles[0].toLowerCase()] : [];
  for (const key of url.searchParams.keys()) {
    const name = key.replace(/\[.*$/, "").toLowerCase();
    if (checked.includes(name)) {
      return problem(400, "invalid_request", `query parameter '${name}' would shadow the body member`);
    }
  }
  return undefined;
}

/**
 * Reads and validates the body of a protected request: the requested roles at the route's `roles` pointer
 * (one role name or an array of them), or, for a route without roles, no body (or an empty JSON object).
 * @param {Request} request
 * @param {import("./routes.js").Route} route
 * @returns {Promise<{ bytes: Uint8Array, roles?: string[] } | { response: Response }>}
 */
export async function readRequestBody(request, route) {
  const contentType = request.headers.get("content-type");
  const none = route.roles === null;
  if (!none && !isJson(contentType)) return { response: unsupported() };
  const read = await readBody(request);
  if (read.response) return read;
  const { bytes } = read;
  if (none && bytes.length === 0) return { bytes };
  if (none && !isJson(contentType)) return { response: unsupported() };

  let json;
  try {
    // The core's reader: a member named twice is refused (JSON.parse keeps the last; origin's parser
    // might keep the first).
    json = parseJson(UTF8.decode(bytes));
  } catch (err) {
    if (err?.code === "duplicate_member") {
      return invalid([{ path: err.path, code: "duplicate_member", message: "appears more than once" }]);
    }
    const message = err?.code === "invalid_json" ? err.message : "the body is not valid UTF-8";
    return invalid([{ path: "", code: "malformed_json", message }]);
  }
  if (none || route.members) {
    const errors = validate(json, route.members ?? {});
    return errors.length ? invalid(errors) : { bytes, roles: json.roles };
  }
  const roles = rolesAt(json, route.roles);
  return roles.errors ? invalid(roles.errors) : { bytes, roles: roles.value };
}

/** The requested roles at `tokens` in the body: one role name or an array of them. */
function rolesAt(json, tokens) {
  const path = pathOf(tokens);
  const value = valueAt(json, tokens);
  if (value === undefined) return { errors: [{ path, code: "missing_member", message: "is required" }] };
  if (typeof value === "string") return { value: [value] };
  if (!Array.isArray(value)) return { errors: [{ path, code: "invalid_type", message: "must be a role name or an array of them" }] };
  const errors = value.flatMap((v, i) => (typeof v === "string" ? [] : [{ path: `${path}[${i}]`, code: "invalid_type", message: "must be a string" }]));
  return errors.length ? { errors } : { value };
}

/**
 * The body's bytes, refused with 413 when Content-Length or the bytes actually sent exceed
 * `limit` (default MAX_BODY_BYTES; reading stops there).
 * @returns {Promise<{ bytes: Uint8Array } | { response: Response }>}
 */
export async function readBody(request, limit = MAX_BODY_BYTES) {
  const length = request.headers.get("content-length");
  if (length !== null && request.headers.has("transfer-encoding")) {
    // Ambiguous framing (a request-smuggling pattern): workerd reads the chunks, another hop might not.
    return { response: problem(400, "invalid_request", "Content-Length and Transfer-Encoding together are not accepted") };
  }
  if (length !== null && !(Number(length) <= limit)) return { response: tooLarge(limit) };
  if (!request.body) return { bytes: new Uint8Array(0) };
  // A declared length (never with Transfer-Encoding, refused above) bounds the body by HTTP framing:
  // one native read. Only a chunked body is counted as it arrives.
  if (length !== null) return { bytes: new Uint8Array(await request.arrayBuffer()) };
  const bytes = await readAtMost(request.body, limit);
  return bytes ? { bytes } : { response: tooLarge(limit) };
}

/** A stream's bytes as they arrive, or null once they exceed `limit` (reading stops there). */
export async function readAtMost(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** True for `application/json`, without a charset or with UTF-8's. */
export function isJson(contentType) {
  if (!contentType) return false;
  const [type, ...params] = contentType.toLowerCase().split(";").map((s) => s.trim());
  const charset = params.find((p) => p.startsWith("charset="));
  return type === "application/json" && (!charset || /^charset="?utf-8"?$/.test(charset));
}

function validate(json, schema) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return [{ path: "", code: "invalid_type", message: "the body must be a JSON object" }];
  }
  const errors = [];
  for (const key of Object.keys(json)) {
    if (!Object.hasOwn(schema, key)) errors.push({ path: key, code: "unknown_member", message: "is not accepted here" });
  }
  for (const [key, type] of Object.entries(schema)) {
    const value = json[key];
    if (value === undefined) {
      if (!type.endsWith("?")) errors.push({ path: key, code: "missing_member", message: "is required" });
    } else if (type === "string[]") {
      if (!Array.isArray(value)) errors.push({ path: key, code: "invalid_type", message: "must be an array of strings" });
      else value.forEach((v, i) => {
        if (typeof v !== "string") errors.push({ path: `${key}[${i}]`, code: "invalid_type", message: "must be a string" });
      });
    } else if (typeof value !== "string" || (!type.endsWith("?") && value.trim() === "")) {
      errors.push({ path: key, code: "invalid_type", message: "must be a non-empty string" });
    }
  }
  return errors;
}

function invalid(errors) {
  const first = errors[0];
  const detail = first.path ? `${first.path}: ${first.message}` : first.message;
  return { response: problem(400, "invalid_request", detail, { extra: { errors } }) };
}

const tooLarge = (limit) => problem(413, "body_too_large", `the body exceeds ${limit} bytes`);
export const unsupported = () => problem(415, "unsupported_media_type", "the body must be application/json (UTF-8)");
