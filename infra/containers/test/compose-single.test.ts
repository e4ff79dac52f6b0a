/**
 * infra/docker/compose.single.yaml brought up for real with podman-compose, from the image
 * ci.sh built. podman-compose 1.0.3 turns an exec-form (`CMD`) healthcheck into a broken shell
 * string, so it is given a copy that differs from the file in three things only: the
 * healthcheck as `CMD-SHELL`, the published host port (a free one on this shared machine, still
 * on loopback) and no `build:` (the image exists). The file's own healthcheck argv is then run
 * as it is with `podman exec`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort, imageOf, podman, podmanOk, run } from './podman.js';

const file = fileURLToPath(new URL('../../docker/compose.single.yaml', import.meta.url));

interface Service {
  build?: unknown;
  image?: string;
  ports?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  healthcheck?: { test?: string[] | string };
}

const compose = parse(readFileSync(file, 'utf8')) as { name?: string; services: { app: Service } };
const healthArgv = compose.services.app.healthcheck?.test as string[];
const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

describe('compose.single.yaml, up with podman-compose', () => {
  const project = `mcp-runway-ci-single-${process.pid}`;
  let dir = '';
  let derived = '';
  let port = 0;
  let container = '';
  const compose_ = (args: string[], timeoutMs = 90_000) =>
    run('podman-compose', ['-p', project, '-f', derived, ...args], timeoutMs);

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'compose-single-'));
    const app = structuredClone(compose.services.app);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's variable syntax, not JavaScript.
    expect(app.image).toBe('mcp-runway-${APP:-hono-http}:local');
    expect(app.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(healthArgv[0]).toBe('CMD');
    delete app.build;
    app.image = imageOf('hono-http');
    app.ports = [`127.0.0.1:${port}:3000`];
    app.healthcheck = {
      ...(app.healthcheck as object),
      test: ['CMD-SHELL', healthArgv.slice(1).map(shellQuote).join(' ')],
    };
    derived = join(dir, 'compose.single.yaml');
    // Every string quoted: podman-compose reads YAML 1.1, where a bare `no` is false.
    const quoted = { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' } as const;
    writeFileSync(derived, stringify({ ...compose, services: { app } }, quoted));
    const up = await compose_(['up', '-d']);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    container = (
      await podmanOk([
        'ps',
        '--all',
        '--filter',
        `label=io.podman.compose.project=${project}`,
        '--format',
        '{{.Names}}',
      ])
    ).trim();
    expect(container).not.toBe('');
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) {
        const logs = await podman(['logs', container]);
        throw new Error(`not ready within 30 s:\n${logs.stdout}${logs.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    if (derived) await compose_(['down', '--timeout', '0']).catch(() => undefined);
    // podman-compose 1.0.3 leaves the project's network behind.
    await podman(['network', 'rm', '--force', `${project}_default`]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("applies the file's hardening: read-only root, tmpfs /tmp, no capabilities, no-new-privileges", async () => {
    const [info] = JSON.parse(await podmanOk(['container', 'inspect', container])) as {
      HostConfig: {
        ReadonlyRootfs: boolean;
        CapDrop?: string[];
        SecurityOpt?: string[];
        Tmpfs?: Record<string, string>;
      };
    }[];
    expect(info?.HostConfig.ReadonlyRootfs).toBe(true);
    expect(Object.keys(info?.HostConfig.Tmpfs ?? {})).toContain('/tmp');
    expect(info?.HostConfig.SecurityOpt).toEqual(
      expect.arrayContaining([expect.stringMatching(/^no-new-privileges/)]),
    );
    const status = await podmanOk(['exec', container, 'cat', '/proc/1/status']);
    expect(status).toMatch(/^CapEff:\s+0000000000000000$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Uid:\s+1000\s/m);
  });

  it("passes the file's healthcheck, exactly as written, and podman's own run of it", async () => {
    const exact = await podman(['exec', container, ...healthArgv.slice(1)]);
    expect(exact.code, exact.stderr).toBe(0);
    const scheduled = await podman(['healthcheck', 'run', container]);
    expect(scheduled.code, scheduled.stdout + scheduled.stderr).toBe(0);
  });

  it('serves MCP on the published loopback port', async () => {
    const client = new Client({ name: 'compose-single', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
