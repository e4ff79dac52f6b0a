import { RateLimitedError, toErrorResponse } from '@mcp-runway/errors';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, rateLimitedError, rateLimitHeaders, toolCost } from './index.js';

// Shaped like the example server's toolPolicies: { [tool]: { scopes, cost } }.
const toolPolicies = {
  search_notes: { scopes: ['notes:read'], cost: 1 },
  long_job: { scopes: ['notes:read'], cost: 5 },
};

describe('the memory limiter', () => {
  it('allows the budget, then refuses with Retry-After and RateLimit headers', async () => {
    const limiter = createRateLimiter({ points: 3, durationSeconds: 60 });
    expect(limiter.store).toBe('memory');
    const remaining = [];
    for (let call = 0; call < 3; call++) {
      const decision = await limiter.consume('ip:203.0.113.7');
      expect(decision.allowed).toBe(true);
      expect(decision.degraded).toBeUndefined();
      remaining.push(decision.remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);

    const refused = await limiter.consume('ip:203.0.113.7');
    expect(refused).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetSeconds: 60,
      retryAfterSeconds: 60,
    });
    expect(rateLimitHeaders(refused)).toEqual({
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '60',
    });
    const error = rateLimitedError(refused);
    expect(error).toBeInstanceOf(RateLimitedError);
    const response = toErrorResponse(error, 1);
    expect(response.httpStatus).toBe(429);
    expect(response.headers).toEqual({
      'Retry-After': '60',
      'RateLimit-Limit': '3',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '60',
    });
    expect(response.body.error.code).toBe(-31429);
  });

  it('gives every key its own budget', async () => {
    const limiter = createRateLimiter({ points: 1, durationSeconds: 60 });
    expect((await limiter.consume('principal:alice')).allowed).toBe(true);
    expect((await limiter.consume('principal:alice')).allowed).toBe(false);
    expect((await limiter.consume('principal:bob')).allowed).toBe(true);
    expect((await limiter.consume('ip:203.0.113.7')).allowed).toBe(true);
  });

  it('gives a key its whole budget back when the window ends', async () => {
    const limiter = createRateLimiter({ points: 1, durationSeconds: 1 });
    await limiter.consume('k');
    expect((await limiter.consume('k')).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe('costs', () => {
  it('charges an expensive tool more of the same budget', async () => {
    const limiter = createRateLimiter({ points: 11, durationSeconds: 60, costs: toolPolicies });
    expect(await limiter.consume('k', { tool: 'long_job' })).toMatchObject({
      allowed: true,
      remaining: 6,
    });
    expect((await limiter.consume('k', { tool: 'long_job' })).remaining).toBe(1);
    // Not enough left for the long job, still enough for a search.
    expect((await limiter.consume('k', { tool: 'long_job' })).allowed).toBe(false);
    expect(await limiter.consume('k', { tool: 'search_notes' })).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });

  it('accepts a plain map or a function, charges 1 for anything unlisted, and lets the caller override', () => {
    expect(toolCost({ long_job: 5 }, 'long_job')).toBe(5);
    expect(toolCost({ long_job: 5 }, 'search_notes')).toBe(1);
    expect(toolCost({ long_job: 5 }, 'constructor')).toBe(1);
    expect(toolCost((tool) => (tool.startsWith('generate_') ? 10 : undefined), 'generate_x')).toBe(
      10,
    );
    expect(toolCost(toolPolicies, undefined)).toBe(1);
    expect(toolCost(undefined, 'long_job')).toBe(1);
  });

  it('spends an explicit cost instead of the configured one', async () => {
    const limiter = createRateLimiter({ points: 10, durationSeconds: 60, costs: toolPolicies });
    expect((await limiter.consume('k', { tool: 'long_job', cost: 2 })).remaining).toBe(8);
  });

  it('refuses costs that are not whole points or exceed the budget, and bad budgets, at once', async () => {
    expect(() => createRateLimiter({ points: 5, durationSeconds: 60, costs: { x: 1.5 } })).toThrow(
      TypeError,
    );
    expect(() => createRateLimiter({ points: 5, durationSeconds: 60, costs: { x: 6 } })).toThrow(
      /more than the budget/,
    );
    expect(() => createRateLimiter({ points: 0, durationSeconds: 60 })).toThrow(TypeError);
    expect(() => createRateLimiter({ points: 5, durationSeconds: 0.5 })).toThrow(TypeError);
    const limiter = createRateLimiter({ points: 5, durationSeconds: 60, costs: () => -1 });
    await expect(limiter.consume('k', { tool: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('per-tool limits', () => {
  const options = {
    points: 100,
    durationSeconds: 60,
    costs: toolPolicies,
    toolLimits: { long_job: { points: 2, durationSeconds: 30 } },
  };

  it('refuses a tool over its own limit while the global budget has room', async () => {
    const limiter = createRateLimiter(options);
    // The tool limit (2 calls) is closer to running out than the global 100 points.
    expect(await limiter.consume('k', { tool: 'long_job' })).toMatchObject({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetSeconds: 30,
    });
    await limiter.consume('k', { tool: 'long_job' });
    expect(await limiter.consume('k', { tool: 'long_job' })).toMatchObject({
      allowed: false,
      limit: 2,
      retryAfterSeconds: 30,
    });
    // The refused call did not spend global points: 100 - 5 - 5 - 1.
    expect(await limiter.consume('k', { tool: 'search_notes' })).toMatchObject({
      allowed: true,
      limit: 100,
      remaining: 89,
    });
  });

  it('refuses a tool within its own limit once the global budget is spent, charging neither', async () => {
    const limiter = createRateLimiter({ ...options, points: 6 });
    expect((await limiter.consume('k', { tool: 'long_job' })).allowed).toBe(true);
    expect(await limiter.consume('k', { tool: 'long_job' })).toMatchObject({
      allowed: false,
      limit: 6,
    });
    // The refused call was given back to the tool limit too: one long_job call of two is left.
    expect(await limiter.consume('k', { tool: 'long_job', cost: 1 })).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });
});
