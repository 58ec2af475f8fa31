// A raw HTTP client for the suites: sends the path, headers and body exactly as given (no URL
// normalisation, no added headers beyond Host), optionally chunked without Content-Length.
import { request } from "node:http";

/**
 * @param {string} base worker URL
 * @param {{ method?: string, path: string, headers?: Record<string, string>, body?: string | Buffer,
 *   chunks?: (string | Buffer)[] }} req `chunks`: send the body chunked (no Content-Length)
 * @returns {Promise<{ status: number, headers: Record<string, string>, text: string, json: any, sent: { method: string, path: string } }>}
 */
export function send(base, { method = "GET", path, headers = {}, body, chunks }) {
  const { hostname, port } = new URL(base);
  if (body !== undefined && !chunks && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
    headers = { ...headers, "content-length": String(Buffer.byteLength(body)) };
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, sent: { method, path } });
      });
    });
    req.on("error", reject);
    if (chunks) for (const c of chunks) req.write(c);
    req.end(body);
  });
}

/** A JSON request with a bearer token. */
export function sendJson(base, method, path, token, json, headers = {}) {
  return send(base, {
    method, path,
    headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}
