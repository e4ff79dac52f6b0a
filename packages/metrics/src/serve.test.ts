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
    expect(ok.body).toContain('# TYPE mcp_tool_calls_total counter');
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
