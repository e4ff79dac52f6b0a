/** LocalSession: every change to a session's state goes through these methods. */
import { describe, expect, it } from 'vitest';
import { clockOf, LocalSession } from './session.js';
import type { Runtime } from './transport.js';

function session(lastActive = 0): LocalSession {
  const record = {
    principal: 'alice',
    createdAt: 0,
    expiresAt: 10_000,
    initialize: '{"method":"initialize"}',
    logLevel: undefined,
  };
  return new LocalSession('id', record, lastActive, 'principal:alice');
}

/** Just what the session reads of a runtime: whether its server is still working. */
function runtime(working = false): Runtime {
  return { transport: { working } } as unknown as Runtime;
}

describe('LocalSession', () => {
  it('is in use from the start of an exchange to its end, and idle from the end', () => {
    const s = session();
    s.beginExchange(100);
    s.beginExchange(150);
    expect(s.active).toBe(true);
    s.endExchange(200);
    expect(s.active).toBe(true);
    s.endExchange(300);
    expect(s.active).toBe(false);
    expect(clockOf(s)).toEqual({ expiresAt: 10_000, lastActive: 300, active: false, live: false });
  });

  it('stays in use while its server works on a request after the exchange ended', () => {
    const s = session();
    s.attach(runtime(true));
    expect(s.active).toBe(true);
    expect(clockOf(s).live).toBe(true);
  });

  it('hands its runtime back once on detach', () => {
    const s = session();
    const r = runtime();
    s.attach(r);
    expect(s.detach()).toBe(r);
    expect(s.runtime).toBeUndefined();
    expect(s.detach()).toBeUndefined();
  });

  it('rebuilds once however many requests wait, and is waking meanwhile', async () => {
    const s = session();
    const r = runtime();
    let builds = 0;
    let finish: () => void = () => {};
    const rebuild = (target: LocalSession) =>
      new Promise<Runtime>((resolve) => {
        builds++;
        finish = () => {
          target.attach(r);
          resolve(r);
        };
      });
    const first = s.wake(rebuild);
    const second = s.wake(rebuild);
    expect(s.waking).toBe(true);
    finish();
    expect(await first).toBe(r);
    expect(await second).toBe(r);
    expect(builds).toBe(1);
    expect(s.waking).toBe(false);
    // Live now: waking again builds nothing.
    expect(await s.wake(rebuild)).toBe(r);
    expect(builds).toBe(1);
  });

  it('is not waking after a failed rebuild, so the next request tries again', async () => {
    const s = session();
    await expect(s.wake(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(s.waking).toBe(false);
    const r = runtime();
    const rebuilt = await s.wake(async (target) => {
      target.attach(r);
      return r;
    });
    expect(rebuilt).toBe(r);
  });

  it('ends once', () => {
    const s = session();
    expect(s.markEnded()).toBe(true);
    expect(s.ended).toBe(true);
    expect(s.markEnded()).toBe(false);
  });

  it('remembers the last log level for rebuilds', () => {
    const s = session();
    expect(s.logLevel).toBeUndefined();
    s.rememberLogLevel('error');
    expect(s.logLevel).toBe('error');
  });
});
