/**
 * Each image run the way production runs it, with podman on loopback ports: read-only root,
 * /tmp a tmpfs, every capability dropped, no-new-privileges, the image's non-root user. Then
 * the probes, an MCP call in both eras with the official SDK client, metrics on their own port,
 * PID 1, the image's own HEALTHCHECK, and `podman stop` draining a call in flight.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, freePort, imageOf, podman, podmanOk } from './podman.js';

const METRICS_TOKEN = 'container-stage-metrics-token';
const SHUTDOWN_TIMEOUT_MS = 10_000;

const clients = [
  { label: '2025-11-25 client', era: 'legacy', options: {} },
  {
    label: 'client pinned to 2026-07-28',
    era: 'modern',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

/** /proc/1/status of the container, read from inside it. */
async function status(name: string): Promise<Record<string, string>> {
  const text = await podmanOk(['exec', name, 'cat', '/proc/1/status']);
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}

for (const app of APPS) {
  describe(`${app}, run hardened with podman`, () => {
    const name = `mcp-runway-ci-${app}-${process.pid}`;
    let mcpPort = 0;
    let metricsPort = 0;
    const url = (path: string) => `http://127.0.0.1:${mcpPort}${path}`;

    beforeAll(async () => {
      mcpPort = await freePort();
      metricsPort = await freePort();
      await podman(['rm', '--force', '--ignore', name]);
      await podmanOk([
        'run',
        '--detach',
        '--name',
        name,
        '--publish',
        `127.0.0.1:${mcpPort}:3000`,
        '--publish',
        `127.0.0.1:${metricsPort}:9464`,
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--cap-drop=ALL',
        '--security-opt=no-new-privileges',
        '--env',
        'ALLOWED_HOSTS=localhost,127.0.0.1',
        '--env',
        'ALLOW_UNAUTHENTICATED=true',
        '--env',
        `METRICS_TOKEN=${METRICS_TOKEN}`,
        '--env',
        `SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
        '--env',
        'LOG_FORMAT=json',
        imageOf(app),
      ]);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ready = await fetch(url('/ready')).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline) {
          const logs = await podman(['logs', name]);
          throw new Error(`${app} not ready within 30 s:\n${logs.stdout}${logs.stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });

    afterAll(async () => {
      await podman(['rm', '--force', '--ignore', '--time', '0', name]);
    });

    it('runs as uid 1000 with no capabilities, no-new-privileges and a read-only root', async () => {
      const [info] = JSON.parse(await podmanOk(['container', 'inspect', name])) as {
        HostConfig: { ReadonlyRootfs: boolean; CapDrop?: string[]; SecurityOpt?: string[] };
      }[];
      expect(info?.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info?.HostConfig.SecurityOpt).toEqual(
        expect.arrayContaining([expect.stringMatching(/^no-new-privileges/)]),
      );
      const proc = await status(name);
      expect(proc.Uid?.split(/\s+/)).toEqual(['1000', '1000', '1000', '1000']);
      expect(proc.Gid?.split(/\s+/)[0]).toBe('1000');
      for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'])
        expect(proc[set], set).toBe('0000000000000000');
      expect(proc.NoNewPrivs).toBe('1');
      const write = (path: string) =>
        podman(['exec', name, 'node', '-e', `require('node:fs').writeFileSync('${path}', 'x')`]);
      const root = await write('/app/dist/written');
      expect(root.code).not.toBe(0);
      expect(root.stderr).toMatch(/EROFS|EACCES/);
      expect((await write('/tmp/written')).code).toBe(0);
    });

    it('has node as PID 1, running the CMD', async () => {
      const cmdline = await podmanOk(['exec', name, 'cat', '/proc/1/cmdline']);
      expect(cmdline.split('\0').filter(Boolean)).toEqual(['node', 'dist/main.js']);
      expect((await podmanOk(['exec', name, 'readlink', '/proc/1/exe'])).trim()).toBe(
        '/usr/local/bin/node',
      );
    });

    it('answers /health and /ready', async () => {
      for (const path of ['/health', '/ready']) {
        const response = await fetch(url(path));
        expect(response.status, path).toBe(200);
        await response.body?.cancel();
      }
    });

    for (const { label, era, options } of clients) {
      it(`serves a tool call to a ${label} (${era} era)`, async () => {
        const client = new Client({ name: 'container-stage', version: '1.0.0' }, options);
        const transport = new StreamableHTTPClientTransport(new URL(url('/mcp')));
        await client.connect(transport);
        try {
          expect(client.getProtocolEra()).toBe(era);
          // The session app keeps 2025 clients in sessions; 2026 and the stateless app have none.
          if (app === 'express-sessions' && era === 'legacy')
            expect(transport.sessionId).toBeTruthy();
          else expect(transport.sessionId).toBeUndefined();
          const { tools } = await client.listTools();
          expect(tools.map((t) => t.name)).toContain('generate_report');
          const result = await client.callTool({
            name: 'generate_report',
            arguments: { sections: ['status'] },
          });
          expect(result.isError).toBeFalsy();
          expect(result.structuredContent).toEqual({
            sections: [{ name: 'status', lines: expect.any(Array) }],
          });
        } finally {
          await client.close();
        }
      });
    }

    it('serves /metrics on its own port, with the token, and not on the MCP port', async () => {
      const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
      const scraped = await fetch(metrics, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scraped.status).toBe(200);
      const body = await scraped.text();
      expect(body).toMatch(/^# HELP /m);
      expect(body).toContain('generate_report');
      const anonymous = await fetch(metrics);
      expect(anonymous.status).toBe(401);
      await anonymous.body?.cancel();
      const onMcpPort = await fetch(url('/metrics'), {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(onMcpPort.status).toBe(404);
      expect(await onMcpPort.text()).not.toMatch(/^# HELP /m);
    });

    it("passes the image's own HEALTHCHECK", async () => {
      const result = await podman(['healthcheck', 'run', name]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const [info] = JSON.parse(await podmanOk(['container', 'inspect', name])) as {
        State: { Health?: { Status?: string }; Healthcheck?: { Status?: string } };
      }[];
      expect((info?.State.Health ?? info?.State.Healthcheck)?.Status).toBe('healthy');
    });

    it('stops on `podman stop`: drains, the call in flight finishes, exit code 0', async () => {
      const client = new Client({ name: 'container-stage-drain', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url('/mcp'))));
      let stopping: Promise<{ code: number | null; ms: number }> | undefined;
      const started = Date.now();
      // Five sections of 250 ms each; the stop is sent once the first one is written.
      const result = await client.callTool(
        { name: 'generate_report', arguments: {} },
        {
          onprogress: () => {
            stopping ??= podman(['stop', '--time', '15', name], 30_000).then((r) => ({
              code: r.code,
              ms: Date.now() - started,
            }));
          },
        },
      );
      expect(stopping, 'a progress notification arrived before the end').toBeDefined();
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { sections: unknown[] }).sections).toHaveLength(5);
      await client.close().catch(() => undefined);
      const stopped = await (stopping as Promise<{ code: number | null; ms: number }>);
      expect(stopped.code).toBe(0);
      // Well inside the stop timeout: the app exited on its own, no SIGKILL.
      expect(stopped.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const exit = await podmanOk([
        'container',
        'inspect',
        '--format',
        '{{.State.ExitCode}}',
        name,
      ]);
      expect(exit.trim()).toBe('0');
      const logs = await podman(['logs', name]);
      const messages = `${logs.stdout}${logs.stderr}`
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => (JSON.parse(line) as { msg?: string }).msg);
      expect(messages).toEqual(expect.arrayContaining(['draining', 'stopped']));
      expect(messages).not.toContain('drain deadline passed: closing open connections');
    });
  });
}
