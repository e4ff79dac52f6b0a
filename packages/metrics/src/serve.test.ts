import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { type MetricsServer, serveMetrics } from './serve.js';

const open: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function start(options: Partial<Parameters<typeof serveMetrics>[0]> = {}) {
  const metrics = createMetrics({ processMetrics: false });
  const server = await serveMetrics({ registry: metrics.registry, port: 0, ...options });
  open.push(server);
  return { metrics, server };
}

/** A plain node:http GET, so nothing (no fetch pool) keeps the socket open. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { method, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

function otherAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

describe('serveMetrics', () => {
  it('listens on 127.0.0.1 by default and serves the exposition at /metrics', async () => {
    const { server, metrics } = await start();
    metrics.rateLimited('global');
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await get(server.url);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('mcp_rate_limited_total{limit="global"} 1');
  });

  it('is not reachable on the machine’s other addresses when bound to loopback', async () => {
    const { server } = await start();
    const address = otherAddress();
    // A machine with no other interface has nothing to reach it through: loopback was asserted above.
    if (address === undefined) return;
    const port = new URL(server.url).port;
    await expect(get(`http://${address}:${port}/metrics`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('requires the Bearer token when one is set', async () => {
    const { server } = await start({ token: 'scrape-me' });
    for (const authorization of [undefined, 'Bearer nope', 'bearer scrape-me-2']) {
      const response = await get(server.url, authorization ? { authorization } : {});
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.body).not.toContain('mcp_');
    }
    const ok = await get(server.url, { authorization: 'Bearer scrape-me' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('# TYPE mcp_server_operation_duration_seconds histogram');
  });

  it('answers 403 to a Host that is not its own (DNS rebinding), on loopback by default', async () => {
    const { server } = await start();
    const { port } = new URL(server.url);
    // What a page on attacker.example gets after pointing its name at 127.0.0.1.
    for (const host of [
      `attacker.example:${port}`,
      'attacker.example',
      `127.0.0.1.nip.io:${port}`,
    ]) {
      const forged = await get(server.url, { host });
      expect(forged.status).toBe(403);
      expect(forged.body).toBe('Forbidden: Host header not allowed\n');
    }
    // Its own names: 127.0.0.1 (what the URL says), localhost, [::1].
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const own = await get(server.url, { host });
      expect(own.status).toBe(200);
      expect(own.body).toContain('# TYPE mcp_requests_total counter');
    }
  });

  it('checks the Host before the token, and answers only the names it is given', async () => {
    const { server } = await start({ token: 'scrape-me', allowedHosts: ['metrics.internal'] });
    const authorization = 'Bearer scrape-me';
    expect((await get(server.url, { host: 'attacker.example', authorization })).status).toBe(403);
    // A list replaces the loopback defaults, as ALLOWED_HOSTS does on the MCP listener.
    expect((await get(server.url, { authorization })).status).toBe(403);
    expect((await get(server.url, { host: 'metrics.internal:9464' })).status).toBe(401);
    expect((await get(server.url, { host: 'metrics.internal:9464', authorization })).status).toBe(
      200,
    );
  });

  it('beyond loopback with a token and no names, lets the token decide (Prometheus scrapes by pod IP)', async () => {
    const { server } = await start({ host: '0.0.0.0', token: 'scrape-me' });
    const url = `http://127.0.0.1:${new URL(server.url).port}/metrics`;
    const host = '10.42.0.17:9464';
    expect((await get(url, { host })).status).toBe(401);
    expect((await get(url, { host, authorization: 'Bearer scrape-me' })).status).toBe(200);
  });

  it('answers 404 off its path and 405 to other methods', async () => {
    const { server } = await start();
    const base = server.url.replace(/\/metrics$/, '');
    expect((await get(`${base}/`)).status).toBe(404);
    expect((await get(`${base}/mcp`)).status).toBe(404);
    expect((await get(server.url, {}, 'POST')).status).toBe(405);
    expect((await get(`${server.url}?x=1`)).status).toBe(200);
    const head = await get(server.url, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('warns when it listens beyond loopback without a token', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_obj: object, msg?: string) => warnings.push(msg ?? '') };
    await start({ host: '0.0.0.0', logger });
    expect(warnings).toEqual([expect.stringMatching(/without METRICS_TOKEN/)]);
    await start({ host: '0.0.0.0', token: 't', logger });
    await start({ logger });
    expect(warnings).toHaveLength(1);
  });

  it('fails to start, rather than serve elsewhere, when its port is taken', async () => {
    const { server } = await start();
    const port = Number(new URL(server.url).port);
    const { registry } = createMetrics({ processMetrics: false });
    await expect(serveMetrics({ registry, port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
