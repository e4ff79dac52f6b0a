/**
 * What the browser test and the screenshot script share: the minimal host page (ui/test-host,
 * built by Vite into one file), an HTTP server that serves it next to the MCP endpoint
 * (`createMcpHandler`, stateless, both eras), and Debian's headless Chromium.
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
  if (response.body) for await (const chunk of response.body) res.write(chunk);
  res.end();
}

/** Serves the host page at `/` and the MCP server at `/mcp`, same origin, on a free port. */
export async function serveHost(hostPage: string, factory: () => McpServer): Promise<HostServer> {
  const handler = createMcpHandler(factory);
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage);
      return;
    }
    toRequest(req, origin)
      .then((request) => handler.fetch(request))
      .then((response) => send(res, response))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/?mcp=${encodeURIComponent(`${origin}/mcp`)}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await handler.close();
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
