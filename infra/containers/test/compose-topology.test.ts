/**
 * infra/docker/compose.yaml's topology for real: three express-sessions instances sharing
 * Redis, behind nginx, brought up with podman-compose from the images ci.sh built (redis and
 * nginx: stand-ins of the same names from Debian's packages when no registry answers). The
 * copy podman-compose gets differs from the file only where podman-compose 1.0.3 or this
 * shared machine need it: healthchecks as `CMD-SHELL`, nginx published on a free loopback
 * port, the nginx config mounts as absolute paths, no `build:` (the images exist), and the
 * session app's image for every instance.
 *
 * Then 2025 sessions through nginx: they spread over the instances; one instance is killed;
 * every session carries on, and every tool call ran exactly once. Which instance received what
 * comes from two logs that do not depend on each other: nginx's JSON access log and each
 * instance's own request lines, both keyed by an X-Request-Id the client gives each request.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { freePort, imageOf, podman, podmanOk, run } from './podman.js';

const file = fileURLToPath(new URL('../../docker/compose.yaml', import.meta.url));
const APPS = ['app-1', 'app-2', 'app-3'];
const SESSIONS = 6;

interface Service {
  build?: unknown;
  image?: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** The copy podman-compose is given (see the top of this file for each difference). */
function derivedCompose(port: number): string {
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  const compose = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> & {
    services: Record<string, Service>;
  };
  for (const key of Object.keys(compose)) if (key.startsWith('x-')) delete compose[key];
  for (const [name, service] of Object.entries(compose.services)) {
    delete service.build;
    if (APPS.includes(name)) service.image = imageOf('express-sessions');
    const test = service.healthcheck?.test;
    if (Array.isArray(test) && test[0] === 'CMD') {
      service.healthcheck = {
        ...service.healthcheck,
        test: ['CMD-SHELL', test.slice(1).map(shellQuote).join(' ')],
      };
    }
  }
  const nginx = compose.services.nginx as Service;
  expect(nginx.ports).toEqual(['8080:8080']);
  nginx.ports = [`127.0.0.1:${port}:8080`];
  nginx.volumes = (nginx.volumes ?? []).map((volume) => {
    const [host, ...rest] = volume.split(':');
    return [resolve(dirname(file), host as string), ...rest].join(':');
  });
  // Every string quoted: podman-compose reads YAML 1.1, where a bare `no` is false.
  return stringify(compose, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

/** One 2025 session through nginx, each HTTP request with an X-Request-Id of its own. */
function sessionClient(label: string, url: URL) {
  const calls: string[] = [];
  let n = 0;
  const tagged: typeof fetch = (input, init) => {
    const id = `ci-${process.pid}-${label}-${++n}`;
    const headers = new Headers(init?.headers);
    headers.set('x-request-id', id);
    if (typeof init?.body === 'string' && init.body.includes('"tools/call"')) calls.push(id);
    return fetch(input, { ...init, headers });
  };
  const transport = new StreamableHTTPClientTransport(url, { fetch: tagged });
  const client = new Client({ name: `topology-${label}`, version: '1.0.0' });
  return { client, transport, calls };
}

describe('compose.yaml: three instances, nginx and Redis, up with podman-compose', () => {
  const project = `mcp-runway-ci-topology-${process.pid}`;
  let dir = '';
  let derived = '';
  let port = 0;
  const sessions: ReturnType<typeof sessionClient>[] = [];
  const containerOf = (service: string) => `${project}_${service}_1`;
  const compose = (args: string[], timeoutMs = 120_000) =>
    run('podman-compose', ['-p', project, '-f', derived, ...args], timeoutMs);

  /** nginx's access log: request id to the instance addresses it tried, and its status. */
  async function nginxLog(): Promise<Map<string, { upstream: string; status: number }>> {
    const logs = await podman(['logs', containerOf('nginx')]);
    const lines = new Map<string, { upstream: string; status: number }>();
    for (const line of `${logs.stdout}\n${logs.stderr}`.split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { request_id: string; upstream: string; status: number };
      lines.set(entry.request_id, entry);
    }
    return lines;
  }

  /** Each instance's address on the compose network, to name nginx's upstreams. */
  async function addresses(): Promise<Map<string, string>> {
    const byAddress = new Map<string, string>();
    for (const app of APPS) {
      const ip = await podmanOk([
        'container',
        'inspect',
        '--format',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        containerOf(app),
      ]);
      byAddress.set(`${ip.trim()}:3000`, app);
    }
    return byAddress;
  }

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'compose-topology-'));
    derived = join(dir, 'compose.yaml');
    writeFileSync(derived, derivedCompose(port));
    const up = await compose(['up', '-d']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < SESSIONS; i++) {
      for (;;) {
        const session = sessionClient(`s${i}`, url);
        try {
          await session.client.connect(session.transport);
          sessions.push(session);
          break;
        } catch (error) {
          await session.client.close().catch(() => undefined);
          if (Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  });

  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.client.close().catch(() => undefined)));
    if (derived) await compose(['down', '--timeout', '0']).catch(() => undefined);
    // podman-compose 1.0.3 leaves the project's network behind.
    await podman(['network', 'rm', '--force', `${project}_default`]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const callAll = () =>
    Promise.all(
      sessions.map(async ({ client }) => {
        const result = await client.callTool({
          name: 'generate_report',
          arguments: { sections: ['status'] },
        });
        expect(result.isError).toBeFalsy();
      }),
    );

  it('gives each client a session, and spreads the sessions over the instances', async () => {
    expect(sessions).toHaveLength(SESSIONS);
    for (const { transport } of sessions) expect(transport.sessionId).toBeTruthy();
    await callAll();
    const log = await nginxLog();
    const byAddress = await addresses();
    const served = new Set(
      sessions.flatMap(({ calls }) =>
        calls.map((id) => byAddress.get(log.get(id)?.upstream ?? '')),
      ),
    );
    expect(
      served.has(undefined),
      `every call reached a known instance: ${[...log.values()].map((l) => l.upstream)}`,
    ).toBe(false);
    expect(served.size).toBeGreaterThanOrEqual(2);
  });

  it('loses an instance: every session carries on, and every call ran exactly once', async () => {
    const log = await nginxLog();
    const byAddress = await addresses();
    // The instance that served the most sessions goes.
    const count = new Map<string, number>();
    for (const { calls } of sessions) {
      const app = byAddress.get(log.get(calls[0] as string)?.upstream ?? '') as string;
      count.set(app, (count.get(app) ?? 0) + 1);
    }
    const [victim] = [...count].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const sessionIds = sessions.map(({ transport }) => transport.sessionId);
    await podmanOk(['kill', containerOf(victim)]);

    await callAll();
    await callAll();
    // The same sessions, not new ones: those of the lost instance continue from Redis.
    expect(sessions.map(({ transport }) => transport.sessionId)).toEqual(sessionIds);

    const after = await nginxLog();
    const logs = await Promise.all(
      APPS.map(async (app) => {
        const out = await podman(['logs', containerOf(app)]);
        return { app, text: `${out.stdout}${out.stderr}` };
      }),
    );
    const ids = sessions.flatMap(({ calls }) => calls);
    expect(ids).toHaveLength(SESSIONS * 3);
    for (const id of ids) {
      // nginx answered it from an instance (not a 502), and exactly one instance received it.
      expect(after.get(id)?.status, id).toBe(200);
      const receivers = logs.filter(({ text }) => text.includes(`"${id}"`)).map(({ app }) => app);
      expect(receivers, id).toHaveLength(1);
    }
    // After the loss, no call went to the dead instance.
    const lastRound = sessions.map(({ calls }) => calls.at(-1) as string);
    for (const id of lastRound) {
      expect(byAddress.get((after.get(id)?.upstream ?? '').split(', ').at(-1) ?? '')).not.toBe(
        victim,
      );
    }
  });
});
