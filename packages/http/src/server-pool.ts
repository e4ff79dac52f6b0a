/**
 * Reuses MCP server instances across stateless requests.
 *
 * `createMcpHandler` asks the factory for a server on every request. Building one means
 * registering every tool and, on each `tools/call`, converting its schema to JSON Schema
 * again, since that cache lives on the instance. A pool turns those costs into one-time costs
 * (about 40 µs a request, more with many tools). The handler connects a fresh per-request
 * transport to the instance and closes it when the exchange ends, which fires
 * `server.onclose`: that is when the instance goes back to the pool.
 *
 * Only for the 2026-07-28 era: a 2025 request is served through the legacy fallback, whose
 * instance carries the handshake's state, so it always gets a fresh one. Tools must read
 * per-request facts (`ctx.http.authInfo`, `ctx.mcpReq._meta`) from the context, never from
 * server-level getters such as `getClientVersion()`, which can hold a previous request's value.
 */
export interface PoolableServer {
  readonly server: { onclose?: (() => void) | undefined };
}

export interface ServerPoolOptions {
  /** Idle instances kept for reuse; a burst beyond this builds and then drops extras. @default 64 */
  maxIdle?: number;
}

export function pooledServerFactory<S extends PoolableServer>(
  build: (context: { era: 'legacy' | 'modern' }) => S,
  options: ServerPoolOptions = {},
): (context: { era: 'legacy' | 'modern' }) => S {
  const maxIdle = options.maxIdle ?? 64;
  const idle: S[] = [];
  const modern = { era: 'modern' } as const;
  const buildPooled = (): S => {
    const instance = build(modern);
    instance.server.onclose = () => {
      if (idle.length < maxIdle) idle.push(instance);
    };
    return instance;
  };
  return (context) => (context.era === 'modern' ? (idle.pop() ?? buildPooled()) : build(context));
}
