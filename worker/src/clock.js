// The request's clock. Tests inject time with an `X-Test-Now` header or a NOW_MS binding (epoch ms),
// honoured ONLY when the TEST_CLOCK binding is "1"; production config never sets it.

/** Epoch milliseconds for this request. */
export function nowMs(request, env) {
  if (env.TEST_CLOCK === "1") {
    const injected = request.headers.get("x-test-now") ?? env.NOW_MS;
    if (injected !== undefined && injected !== null && /^\d{1,15}$/.test(injected)) return Number(injected);
  }
  return Date.now();
}
