/**
 * Carries the HTTP request id from the pipeline to the tool-call log line. The SDK hands a
 * tool the very `Request` the pipeline passed to `mcp.fetch` (`ctx.http.req`), so a WeakMap
 * keyed by it needs no AsyncLocalStorage (which would cost every promise in the process) and
 * forgets the request when it is collected.
 */
const requestIds = new WeakMap<object, string>();

/** The HTTP adapters call this with the request they hand to the SDK. */
export function bindRequestId(request: object, requestId: string): void {
  requestIds.set(request, requestId);
}

/** The bound id, else the request's own `X-Request-Id` header (a proxy's id). */
export function requestIdOf(request: Request | undefined): string | undefined {
  if (request === undefined) return undefined;
  return requestIds.get(request) ?? request.headers?.get('x-request-id') ?? undefined;
}
