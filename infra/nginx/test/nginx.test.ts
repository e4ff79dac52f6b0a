/**
 * The configuration on its own: nginx accepts it, the committed example matches the
 * template, and what nginx answers by itself (no instance needed, so none is running).
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxConf, renderUpstreams } from '../render.mjs';
import { checkConf, type Nginx, renderForTest, startNginx } from './nginx.js';
import { freePort } from './processes.js';

const example = (file: string) =>
  readFileSync(new URL(`../example/${file}`, import.meta.url), 'utf8');

describe('nginx.conf.template', () => {
  it('renders into a configuration that nginx -t accepts', async () => {
    const { dir, confPath } = await renderForTest(['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3']);
    try {
      expect(await checkConf(dir, confPath)).toMatch(/test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches the committed example (docker compose: app-1..3 on port 3000)', () => {
    const settings = {
      listen: '8080',
      runtimeDir: '/tmp/nginx',
      accessLog: '/dev/stdout',
      errorLog: '/dev/stderr',
      upstreams: ['app-1:3000', 'app-2:3000', 'app-3:3000'],
    };
    expect(example('nginx.conf')).toBe(renderNginxConf(settings));
    expect(example('upstreams.conf')).toBe(renderUpstreams(settings.upstreams));
  });

  it('refuses unknown placeholders and malformed upstreams', () => {
    const settings = {
      listen: '8080',
      runtimeDir: '/tmp',
      accessLog: 'a',
      errorLog: 'e',
      upstreams: [],
    };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an nginx template placeholder.
    expect(() => renderNginxConf(settings, 'listen ${LISTEN_PORT};')).toThrow(/LISTEN_PORT/);
    expect(() => renderUpstreams([])).toThrow(/at least one/);
    expect(() => renderUpstreams(['app-1:3000; evil'])).toThrow(/host:port/);
  });
});

describe('nginx in front of instances that are all down', () => {
  let nginx: Nginx;
  beforeAll(async () => {
    nginx = await startNginx([`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`]);
  }, 15_000);
  afterAll(() => nginx?.stop());

  it('answers its own /health', async () => {
    const response = await fetch(`${nginx.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('never exposes /metrics', async () => {
    for (const path of ['/metrics', '/metrics/', '/metrics?format=json'])
      expect((await fetch(`${nginx.url}${path}`)).status).toBe(404);
  });

  it('answers 502 with a JSON-RPC error when no instance answers', async () => {
    const response = await fetch(`${nginx.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'no-instance-1' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32603 } });
    // Both instances were tried, each refused the connection: nothing ran anywhere.
    const line = nginx.accessLog().find((entry) => entry.request_id === 'no-instance-1');
    expect(line?.upstream.split(', ')).toHaveLength(2);
  });

  it('refuses a body over client_max_body_size (BODY_LIMIT, 1 MB) with 413', async () => {
    const response = await fetch(`${nginx.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
  });
});
