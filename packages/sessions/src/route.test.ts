import { describe, expect, it } from 'vitest';
import { lifecycleAction, nextDeadline, recordTtlMs, retryAfterSeconds } from './policy.js';
import { logLevelSetBy, routeSessionRequest } from './route.js';
import { isValidSessionId, newSessionId, sessionIdOf } from './session-id.js';

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} };
const call = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

describe('routeSessionRequest', () => {
  it('starts a session on initialize, whatever session id came with it', () => {
    for (const sessionId of [undefined, 'stale-id']) {
      expect(routeSessionRequest({ httpMethod: 'post', sessionId, body: initialize })).toEqual({
        action: 'create',
        initialize,
      });
    }
    expect(
      routeSessionRequest({ httpMethod: 'POST', sessionId: undefined, body: [initialize] }),
    ).toMatchObject({ action: 'create', initialize });
  });

  it('refuses initialize batched with other messages', () => {
    const route = routeSessionRequest({
      httpMethod: 'POST',
      sessionId: undefined,
      body: [initialize, call],
    });
    expect(route).toMatchObject({ action: 'refuse', error: { httpStatus: 400, code: -32600 } });
  });

  it('sends other POSTs and GETs to their session, and DELETE ends it', () => {
    expect(routeSessionRequest({ httpMethod: 'POST', sessionId: 'abc', body: call })).toEqual({
      action: 'use',
      sessionId: 'abc',
    });
    expect(routeSessionRequest({ httpMethod: 'GET', sessionId: 'abc', body: undefined })).toEqual({
      action: 'use',
      sessionId: 'abc',
    });
    expect(
      routeSessionRequest({ httpMethod: 'DELETE', sessionId: 'abc', body: undefined }),
    ).toEqual({
      action: 'end',
      sessionId: 'abc',
    });
  });

  it('refuses a request without a session id with 400', () => {
    for (const httpMethod of ['POST', 'GET', 'DELETE']) {
      const route = routeSessionRequest({ httpMethod, sessionId: undefined, body: call });
      expect(route).toMatchObject({ action: 'refuse', error: { httpStatus: 400 } });
    }
  });

  it('answers 404 for an id that is not visible ASCII, without looking it up', () => {
    for (const sessionId of ['has space', 'ü', 'x'.repeat(129)]) {
      const route = routeSessionRequest({ httpMethod: 'POST', sessionId, body: call });
      expect(route).toMatchObject({ action: 'refuse', error: { httpStatus: 404 } });
    }
  });

  it('refuses other HTTP methods with 405 and Allow', () => {
    const route = routeSessionRequest({ httpMethod: 'PATCH', sessionId: 'abc', body: undefined });
    expect(route).toMatchObject({
      action: 'refuse',
      error: { httpStatus: 405, headers: { Allow: 'GET, POST, DELETE' } },
    });
  });
});

describe('session ids', () => {
  it('are 128 random bits in base64url, distinct every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(isValidSessionId(id)).toBe(true);
    }
  });

  it('are read from the first Mcp-Session-Id header, empty meaning absent', () => {
    expect(sessionIdOf({ 'mcp-session-id': 'a' })).toBe('a');
    expect(sessionIdOf({ 'mcp-session-id': ['a', 'b'] })).toBe('a');
    expect(sessionIdOf({ 'mcp-session-id': '' })).toBeUndefined();
    expect(sessionIdOf({})).toBeUndefined();
  });
});

describe('logLevelSetBy', () => {
  it('reads the level of a logging/setLevel request only', () => {
    const setLevel = {
      jsonrpc: '2.0',
      id: 1,
      method: 'logging/setLevel',
      params: { level: 'error' },
    };
    expect(logLevelSetBy(setLevel)).toBe('error');
    expect(logLevelSetBy(call)).toBeUndefined();
    expect(logLevelSetBy([setLevel])).toBeUndefined();
  });

  it('reads only a level there is: anything else is not kept', () => {
    const setLevel = (level: unknown) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'logging/setLevel',
      params: { level },
    });
    expect(logLevelSetBy(setLevel('emergency'))).toBe('emergency');
    for (const level of ['loud', 'x'.repeat(100_000), 3, null]) {
      expect(logLevelSetBy(setLevel(level))).toBeUndefined();
    }
  });
});

describe('lifecycle rules', () => {
  const limits = { idleTimeoutMs: 1_000, maxLifetimeMs: 10_000, dormantAfterMs: 100 };
  const session = { expiresAt: 10_000, lastActive: 0, active: false, live: true };

  it('expires at the lifetime, in use or not', () => {
    expect(lifecycleAction({ ...session, active: true }, 10_000, limits)).toBe('expire');
  });

  it('evicts after the idle timeout, never while in use', () => {
    expect(lifecycleAction(session, 1_000, limits)).toBe('evict');
    expect(lifecycleAction({ ...session, active: true }, 5_000, limits)).toBe('keep');
  });

  it('puts a live session to sleep after dormantAfterMs', () => {
    expect(lifecycleAction(session, 99, limits)).toBe('keep');
    expect(lifecycleAction(session, 100, limits)).toBe('hibernate');
    expect(lifecycleAction({ ...session, live: false }, 100, limits)).toBe('keep');
  });

  it('tells a refused client to wait for the next deadline, within 1 s and 1 h', () => {
    expect(nextDeadline(session, limits)).toBe(1_000);
    expect(nextDeadline({ ...session, active: true }, limits)).toBe(10_000);
    expect(retryAfterSeconds(1_000, 0)).toBe(1);
    expect(retryAfterSeconds(40_001, 0)).toBe(41);
    expect(retryAfterSeconds(0, 0)).toBe(1);
    expect(retryAfterSeconds(Number.POSITIVE_INFINITY, 0)).toBe(3600);
  });

  it('keeps a shared record for the idle timeout plus a sweep, never past the lifetime', () => {
    expect(recordTtlMs(0, 1_000_000, 60_000, 5_000)).toBe(65_000);
    expect(recordTtlMs(990_000, 1_000_000, 60_000, 5_000)).toBe(10_000);
    // Counted from the last use when it is given (an idle session the sweep checks).
    expect(recordTtlMs(10_000, 1_000_000, 60_000, 5_000, 0)).toBe(55_000);
    expect(recordTtlMs(70_000, 1_000_000, 60_000, 5_000, 0)).toBe(1);
  });
});
