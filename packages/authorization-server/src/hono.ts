/**
 * The built-in authorization server on a Hono app running on @hono/node-server: its paths
 * (`/oauth/*`, `/.well-known/oauth-authorization-server`, `/.well-known/openid-configuration`)
 * go to its Node handler on the same origin as `/mcp`, after the app's request log, Host and
 * Origin checks.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AuthorizationServer } from './server.js';

// @hono/node-server leaves the socket alone when a response carries this header...
const ALREADY_SENT = 'x-hono-already-sent';
// ...but only a platform Response: it swaps in a lightweight class of its own, whose
// responses it writes out regardless. That class sits on top of the platform's.
const PlatformResponse: typeof Response =
  Object.getPrototypeOf(Response) === Function.prototype
    ? Response
    : Object.getPrototypeOf(Response);

// biome-ignore lint/suspicious/noExplicitAny: any app's environment; only the Node bindings are read.
export function mountAuthorizationServer(app: Hono<any>, server: AuthorizationServer): void {
  app.all('*', async (c, next) => {
    if (!server.handles(c.req.path)) return next();
    const { incoming, outgoing } = c.env as HttpBindings;
    if (!incoming || !outgoing) throw new Error('the authorization server needs @hono/node-server');
    await new Promise<void>((resolve) => {
      outgoing.once('close', resolve);
      void server.handle(incoming, outgoing);
    });
    // The answer is on the socket. Replace, not merge into, what earlier middleware prepared
    // (merging would rebuild it as the lightweight class), and mark the context finalized.
    c.res = undefined as unknown as Response;
    c.res = new PlatformResponse(null, {
      status: outgoing.statusCode,
      headers: { [ALREADY_SENT]: 'true' },
    });
    return c.res;
  });
}
