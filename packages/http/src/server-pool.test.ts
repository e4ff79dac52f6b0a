import { describe, expect, it } from 'vitest';
import { pooledServerFactory } from './server-pool.js';

function fakeServer() {
  return { server: { onclose: undefined as (() => void) | undefined } };
}

describe('pooledServerFactory', () => {
  it('reuses a 2026-07-28 instance once its exchange closed, and builds another while it is busy', () => {
    let built = 0;
    const factory = pooledServerFactory(() => {
      built++;
      return fakeServer();
    });
    const first = factory({ era: 'modern' });
    const concurrent = factory({ era: 'modern' });
    expect(concurrent).not.toBe(first);
    first.server.onclose?.();
    expect(factory({ era: 'modern' })).toBe(first);
    expect(built).toBe(2);
  });

  it('never pools 2025 instances', () => {
    const factory = pooledServerFactory(fakeServer);
    const legacy = factory({ era: 'legacy' });
    legacy.server.onclose?.();
    expect(factory({ era: 'legacy' })).not.toBe(legacy);
    expect(factory({ era: 'modern' })).not.toBe(legacy);
  });

  it('keeps at most maxIdle idle instances', () => {
    const factory = pooledServerFactory(fakeServer, { maxIdle: 1 });
    const [a, b] = [factory({ era: 'modern' }), factory({ era: 'modern' })];
    a.server.onclose?.();
    b.server.onclose?.();
    expect(factory({ era: 'modern' })).toBe(a);
    expect(factory({ era: 'modern' })).not.toBe(b);
  });
});
