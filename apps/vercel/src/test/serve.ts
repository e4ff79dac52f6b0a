/**
 * Serves the exported handler over a real socket the way Vercel's Node.js runtime does: each
 * incoming request becomes a Web `Request` and the `Response` is streamed back. The conversion
 * is @hono/node-server's `getRequestListener`, the one Hono's Node server uses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

export interface Served {
  url: URL;
  mcpUrl: URL;
  close(): Promise<void>;
}

export async function serve(handler: {
  fetch(request: Request): Promise<Response>;
}): Promise<Served> {
  const listener = getRequestListener((request) => handler.fetch(request));
  const server: Server = createServer((request, response) => {
    // What Vercel's proxy adds: the client's address.
    request.headers['x-real-ip'] = request.socket.remoteAddress ?? '';
    void listener(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    url,
    mcpUrl: new URL('/mcp', url),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
