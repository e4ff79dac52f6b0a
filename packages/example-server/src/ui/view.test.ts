import { composeConfig, configPiece, loadConfig } from '@mcp-runway/config';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serverModule } from '../server.js';
import {
  BOARD_VIEW_URI,
  boardViewFile,
  boardViewFiles,
  createBoardView,
  viewMetaFrom,
  viewSettings,
} from './view.js';

const parse = (env: Record<string, string>) => z.object(viewSettings.shape).safeParse(env);

describe('the board view', () => {
  it('reads the bundle once and serves later reads from memory', async () => {
    const reads: URL[] = [];
    const view = createBoardView({}, boardViewFile, async (file) => {
      reads.push(file);
      return '<!doctype html>';
    });
    const first = await view.html();
    const again = await Promise.all([view.html(), view.html()]);
    expect([first, ...again]).toEqual(['<!doctype html>', '<!doctype html>', '<!doctype html>']);
    expect(reads).toEqual([boardViewFile]);
  });

  it('falls back to view/ beside the running module (where a bundler puts it)', async () => {
    const tried: string[] = [];
    const view = createBoardView(
      {},
      [new URL('file:///pkg/a.html'), new URL('file:///b.html')],
      async (file) => {
        tried.push(file.pathname);
        if (file.pathname === '/pkg/a.html') throw new Error('ENOENT');
        return 'from b';
      },
    );
    await expect(view.html()).resolves.toBe('from b');
    expect(tried).toEqual(['/pkg/a.html', '/b.html']);
    expect(boardViewFiles.map((file) => file.pathname.split('/').slice(-2).join('/'))).toEqual([
      'view/board.html',
      'view/board.html',
    ]);
  });

  it('says to build when the bundle is missing, and retries on the next read', async () => {
    const missing = new URL('./not-built.html', boardViewFile);
    let attempts = 0;
    const view = createBoardView({}, missing, async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('ENOENT');
      return 'built now';
    });
    await expect(view.html()).rejects.toThrow(/not built .*not-built\.html.*run pnpm build/);
    await expect(view.html()).resolves.toBe('built now');
  });

  it('asks for no network access and a border by default', () => {
    const parsed = parse({});
    expect(parsed.success && viewMetaFrom(parsed.data)).toEqual({ csp: {}, prefersBorder: true });
  });

  it('turns the UI_* variables into _meta.ui', () => {
    const parsed = parse({
      UI_CSP_CONNECT_DOMAINS: 'https://api.example.com, wss://live.example.com',
      UI_CSP_RESOURCE_DOMAINS: 'https://*.cdn.example.com',
      UI_DOMAIN: 'a904794854a047f6.claudemcpcontent.com',
      UI_PREFERS_BORDER: 'false',
    });
    expect(parsed.success && viewMetaFrom(parsed.data)).toEqual({
      csp: {
        connectDomains: ['https://api.example.com', 'wss://live.example.com'],
        resourceDomains: ['https://*.cdn.example.com'],
      },
      domain: 'a904794854a047f6.claudemcpcontent.com',
      prefersBorder: false,
    });
  });

  it('refuses a CSP entry that is not an origin', () => {
    const parsed = parse({ UI_CSP_CONNECT_DOMAINS: 'https://api.example.com/v1' });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('no path');
  });

  it('serves the _meta.ui its settings describe, read from an app configuration', async () => {
    // As the apps do: the composed schema parses the environment, the module parses its piece.
    const config = loadConfig(composeConfig(serverModule.settings ?? configPiece({})), {
      UI_CSP_CONNECT_DOMAINS: 'https://api.example.com',
      UI_PREFERS_BORDER: 'false',
    });
    const factory = serverModule.createServerFactory({ settings: config });
    const client = new Client({ name: 'view-test', version: '1.0.0' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await factory().connect(serverTransport);
    await client.connect(clientTransport);
    const { contents } = await client.readResource({ uri: BOARD_VIEW_URI });
    expect(contents[0]?._meta?.ui).toEqual({
      csp: { connectDomains: ['https://api.example.com'] },
      prefersBorder: false,
    });
    await client.close();
  });
});
