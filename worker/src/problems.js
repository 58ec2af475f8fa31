// RFC 9457 problem responses: one shape for every refusal, JSON by default, an HTML page for
// browsers on the invitation link. Bodies carry stable codes and never secrets.

const TITLES = {
  400: "Bad request",
  401: "Authentication required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  410: "Gone",
  412: "Precondition failed",
  413: "Content too large",
  415: "Unsupported media type",
  422: "Unprocessable content",
  428: "Precondition required",
  500: "Internal error",
  502: "Bad gateway",
  503: "Service unavailable",
};

/** The code and reason codes of each problem response this isolate made, for the decision log. */
const refusals = new WeakMap();

/**
 * The `{ code, reasons }` of a problem response made by `problem()` (reasons: the decision's reason
 * codes, else the problem code), or undefined for any other response (origin's answer).
 * @returns {{ code: string, reasons: string[] } | undefined}
 */
export const refusalOf = (response) => refusals.get(response);

/**
 * A problem response. `extra` adds members (`reasons`, `errors`) and `headers` adds headers.
 * @param {number} status
 * @param {string} code stable machine-readable code, also the last part of `type`
 * @param {string} detail human-readable, must not contain secrets
 * @param {{ extra?: object, headers?: Record<string, string>, html?: boolean, title?: string }} [options]
 */
export function problem(status, code, detail, { extra = {}, headers = {}, html = false, title } = {}) {
  const body = { type: `urn:rolegate:problem:${code}`, title: title ?? TITLES[status], status, detail, code, ...extra };
  const base = { "cache-control": "no-store", ...headers };
  const response = html
    ? new Response(htmlPage(body), { status, headers: { ...base, "content-type": "text/html; charset=utf-8" } })
    : new Response(JSON.stringify(body), { status, headers: { ...base, "content-type": "application/problem+json" } });
  refusals.set(response, { code, reasons: Array.isArray(extra.reasons) ? extra.reasons.map((r) => r.code) : [code] });
  return response;
}

/** True when the client's `Accept` ranks text/html above JSON (a browser following a link). */
export function prefersHtml(request) {
  const accept = request.headers.get("accept");
  if (!accept) return false;
  const json = Math.max(quality(accept, "application", "problem+json"), quality(accept, "application", "json"));
  return quality(accept, "text", "html") > json;
}

/** The q-value the Accept header gives type/subtype: the most specific matching range wins. */
function quality(accept, type, subtype) {
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(",")) {
    const [range, ...params] = part.trim().toLowerCase().split(";");
    const [t, s] = range.trim().split("/");
    const specificity = t === type && s === subtype ? 2 : t === type && s === "*" ? 1 : t === "*" && s === "*" ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(q) ? q : 0 };
  }
  return best.q;
}

/** The page's style: the demo console's invitation pages (a card on a grey page), inline: the edge serves no files. */
const PAGE_STYLE = `:root { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; background: #f5f6f8; }
body { margin: 0; min-height: 100vh; display: grid; place-items: start center; padding: 12vh 1rem 2rem; box-sizing: border-box; }
main { max-width: 34rem; padding: 1.4rem 1.5rem; background: #fff; border: 1px solid #dde1e8; border-radius: 8px; }
h1 { font-size: 1.35rem; line-height: 1.2; margin: 0 0 .6rem; color: #b3261e; }
small { color: #5b6474; }`;

function htmlPage({ title, detail, status }) {
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${PAGE_STYLE}</style></head>
<body><main><h1>${esc(title)}</h1><p>${esc(detail)}</p><p><small>HTTP ${status}</small></p></main></body></html>
`;
}
