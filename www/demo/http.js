// Small HTTP helpers shared by the demo origin: JSON and RFC 9457 problem responses, bounded body reads.

export const MAX_BODY = 64 * 1024;

export class HttpProblem extends Error {
  /** `headers`: sent with the problem (e.g. `WWW-Authenticate` on a 401); `extra`: more members (`errors`, `reasons`). */
  constructor(status, code, detail, headers = {}, extra = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.extra = extra;
  }
}

export function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

export function sendProblem(res, { status, code, message, headers, extra }) {
  const title = TITLES[status] ?? "Error";
  sendJson(res, status, { type: `urn:rolegate:problem:${code}`, title, status, detail: message, code, ...extra }, {
    ...headers, "content-type": "application/problem+json",
  });
}

const TITLES = { 400: "Bad request", 401: "Authentication required", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
  409: "Conflict", 410: "Gone", 412: "Precondition failed", 413: "Payload too large", 415: "Unsupported media type",
  422: "Unprocessable content", 428: "Precondition required", 500: "Internal error", 503: "Service unavailable" };

/** Reads a JSON object body (at most 64 KiB, `application/json`). */
export async function readJson(req) {
  let body;
  try {
    body = JSON.parse(await readJsonText(req, MAX_BODY));
  } catch (err) {
    if (err instanceof HttpProblem) throw err;
    throw new HttpProblem(400, "malformed_json", "the body is not valid JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpProblem(400, "invalid_request", "the body must be a JSON object");
  }
  return body;
}

/** The text of an `application/json` body of at most `limit` bytes (415, 413 otherwise; 400 when not UTF-8). */
export async function readJsonText(req, limit) {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    throw new HttpProblem(415, "unsupported_media_type", "send the body as application/json");
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpProblem(413, "body_too_large", `the body is over ${limit / 1024} KiB`);
    chunks.push(chunk);
  }
  try {
    return UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new HttpProblem(400, "invalid_request", "the body is not valid UTF-8");
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** True when the client prefers an HTML page (a browser following an invitation link). */
export function wantsHtml(req) {
  return /\btext\/html\b/.test(req.headers.accept ?? "");
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page for a browser following a link (an invitation's outcome), in the console's style. */
export function htmlPage({ title, message, ok }) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · rolegate</title><link rel="stylesheet" href="/style.css"></head>
<body class="page"><main class="card ${ok ? "ok" : "bad"}"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="/">Back to the console</a></p></main></body></html>
`;
}
