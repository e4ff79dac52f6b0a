/** infra/docker/compose.yaml: valid YAML, the services and the health-gated start order it promises. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const file = fileURLToPath(new URL('../../docker/compose.yaml', import.meta.url));
const upstreams = fileURLToPath(new URL('../../nginx/example/upstreams.conf', import.meta.url));

interface Service {
  build?: { dockerfile?: string; context?: string };
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  environment?: Record<string, string>;
}

describe('compose.yaml', () => {
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  const compose = doc.toJS({ maxAliasCount: 100 }) as { services: Record<string, Service> };

  it('parses without errors or warnings', () => {
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  it('runs three app instances from the shared Dockerfile behind nginx, with redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'app-1',
      'app-2',
      'app-3',
      'nginx',
      'redis',
    ]);
    for (const name of ['app-1', 'app-2', 'app-3']) {
      const app = compose.services[name] as Service;
      expect(app.build?.dockerfile).toBe('infra/docker/Dockerfile');
      expect(app.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(app.depends_on?.redis?.condition).toBe('service_healthy');
      // The image binds metrics on 0.0.0.0: without a guard the app refuses to start.
      expect(app.environment?.METRICS_TOKEN ?? app.environment?.METRICS_ALLOWED_HOSTS).toBeTruthy();
      // The nginx example config names exactly these upstreams.
      expect(readFileSync(upstreams, 'utf8')).toContain(`server ${name}:3000`);
    }
  });

  it("starts nginx on the example config without repeating its directives (nginx refuses a duplicate 'daemon')", () => {
    const command = (
      (compose.services.nginx as Service & { command?: string[] }).command ?? []
    ).join(' ');
    expect(command).toContain('nginx -c /etc/nginx/mcp/nginx.conf');
    const config = readFileSync(
      fileURLToPath(new URL('../../nginx/example/nginx.conf', import.meta.url)),
      'utf8',
    );
    for (const directive of [...command.matchAll(/-g '([a-z_]+)\s/g)].map((m) => m[1])) {
      expect(config, directive).not.toMatch(new RegExp(`^${directive}\\s`, 'm'));
    }
    // The config runs nginx in the foreground itself, as a container needs.
    expect(config).toMatch(/^daemon off;$/m);
  });

  it('health-checks every service and starts nginx only once every instance is healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test?.[0], name).toBe('CMD');
    }
    const nginx = compose.services.nginx as Service;
    for (const name of ['app-1', 'app-2', 'app-3']) {
      expect(nginx.depends_on?.[name]?.condition).toBe('service_healthy');
    }
  });
});
