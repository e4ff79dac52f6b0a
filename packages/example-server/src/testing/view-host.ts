/**
 * The view test harness (`@mcp-runway/example-server/testing/view-host`, for tests only): the
 * minimal host page (ui/test-host, built by Vite into one file), an HTTP server that serves it
 * next to an MCP endpoint, and Debian's headless Chromium. The endpoint is either this server
 * in process (`createMcpHandler`, stateless, both eras: the package's own test) or a running
 * app the host server forwards to with the user's credentials, as a real host's backend does
 * (the apps' tests: the view's calls then cross the app's whole pipeline).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';
import { type BrowserContext, chromium } from 'playwright-core';
import { build } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

export const CHROMIUM = '/usr/bin/chromium';

/** Builds ui/test-host into one HTML file and returns it. */
export async function buildHostPage(): Promise<string> {
  const root = fileURLToPath(new URL('../../ui/test-host', import.meta.url));
  const outDir = await mkdtemp(join(tmpdir(), 'runway-apps-host-'));
  try {
    await build({
      configFile: false,
      root,
      logLevel: 'error',
      plugins: [viteSingleFile()],
      build: { outDir, rollupOptions: { input: join(root, 'host.html') } },
    });
    return await readFile(join(outDir, 'host.html'), 'utf8');
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

export interface HostServer {
  /** The host page, connected to this server's /mcp. */
  url: string;
  close(): Promise<void>;
}

/** A running MCP endpoint the host server forwards `/mcp` to. */
export interface ProxyTarget {
  /** The app's MCP URL, e.g. `http://127.0.0.1:PORT/mcp`. */
  target: string | URL;
  /** Added to every forwarded request: the user's credentials, which the page never sees. */
  headers?: Record<string, string>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : null;
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method ?? 'GET',
    headers,
    ...(body && { body }),
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // Written as they arrive, so an SSE response streams through.
  if (response.body) for await (const chunk of response.body) res.write(chunk);
  res.end();
}

/**
 * Headers the browser set for this hop, not for the app: the host's backend calls the app
 * server-side, with no browser Origin, its own Host and its own connection.
 */
const HOP_HEADERS = ['host', 'origin', 'referer', 'connection', 'keep-alive', 'content-length'];
/** fetch has already decoded the body and will frame it again. */
const DECODED_HEADERS = ['content-encoding', 'content-length', 'transfer-encoding', 'connection'];

/** Forwards one request to the app: method, headers (plus the credentials), body, stream. */
function forwarder({ target, headers: extra = {} }: ProxyTarget) {
  const url = new URL(target);
  return async (request: Request, signal: AbortSignal): Promise<Response> => {
    const headers = new Headers(request.headers);
    for (const name of HOP_HEADERS) headers.delete(name);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const upstream = await fetch(new URL(new URL(request.url).search, url), {
      method: request.method,
      headers,
      signal,
      ...(body && { body }),
    });
    const answer = new Headers(upstream.headers);
    for (const name of DECODED_HEADERS) answer.delete(name);
    return new Response(upstream.body, { status: upstream.status, headers: answer });
  };
}

/**
 * Serves the host page at `/` and an MCP endpoint at `/mcp`, same origin, on a free port: the
 * server a factory makes (in process), or a running app's endpoint (forwarded, credentials
 * added).
 */
export async function serveHost(
  hostPage: string,
  mcp: (() => McpServer) | ProxyTarget,
): Promise<HostServer> {
  const handler = typeof mcp === 'function' ? createMcpHandler(mcp) : undefined;
  const forward = typeof mcp === 'function' ? undefined : forwarder(mcp);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage);
      return;
    }
    if (path !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    // The page went away (or closed a stream): stop the upstream request too.
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    toRequest(req, origin)
      .then((request) =>
        handler
          ? handler.fetch(request)
          : (forward as NonNullable<typeof forward>)(request, aborted.signal),
      )
      .then((response) => send(res, response))
      .catch(() => {
        if (res.headersSent) res.end();
        else res.writeHead(502).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/?mcp=${encodeURIComponent(`${origin}/mcp`)}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await handler?.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, background networking off, a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium (the view tests drive it)`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'runway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 800, height: 400 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
