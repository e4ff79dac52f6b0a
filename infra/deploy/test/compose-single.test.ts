/** infra/docker/compose.single.yaml: one hardened instance, state in memory, nothing else to run. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const file = fileURLToPath(new URL('../../docker/compose.single.yaml', import.meta.url));

interface Service {
  build?: { dockerfile?: string; context?: string };
  ports?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  healthcheck?: { test?: string[] };
  environment?: Record<string, string>;
  stop_grace_period?: string;
}

describe('compose.single.yaml', () => {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const compose = doc.toJS() as { services: Record<string, Service> };

  it('parses without errors or warnings', () => {
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
  });

  it('runs one instance from the shared Dockerfile, with no Redis and no proxy', () => {
    expect(Object.keys(compose.services)).toEqual(['app']);
    const app = compose.services.app as Service;
    expect(app.build?.dockerfile).toBe('infra/docker/Dockerfile');
    expect(app.environment?.REDIS_URL).toBeUndefined();
  });

  it('guards the metrics listener, which the image binds on 0.0.0.0 (else the app will not start)', () => {
    const env = (compose.services.app as Service).environment ?? {};
    expect(env.METRICS_TOKEN ?? env.METRICS_ALLOWED_HOSTS).toBeTruthy();
  });

  it('publishes on the host loopback only, hardened, health-checked, with time to drain', () => {
    const app = compose.services.app as Service;
    expect(app.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(app.read_only).toBe(true);
    expect(app.cap_drop).toEqual(['ALL']);
    expect(app.healthcheck?.test?.[0]).toBe('CMD');
    // stop_grace_period must outlast the app's own drain deadline.
    expect(Number.parseInt(app.stop_grace_period ?? '0', 10) * 1000).toBeGreaterThan(
      Number(app.environment?.SHUTDOWN_TIMEOUT_MS),
    );
  });
});
