export type { AuthFailureLimiter, AuthFailureLimiterOptions } from './auth-failures.js';
export { createAuthFailureLimiter } from './auth-failures.js';
export type { RateLimitBudget } from './budget.js';
export type { ClientKeyInput, TrustProxy } from './client-key.js';
export { clientIp, clientKey, normalizeIp, parseTrustProxy } from './client-key.js';
export type {
  ConcurrencyDecision,
  ConcurrencyKind,
  ConcurrencyLimit,
  ConcurrencyLimiter,
  ConcurrencyLimiterOptions,
  ConcurrencyLimitName,
  ConcurrencyStats,
} from './concurrency.js';
export { concurrencyLimitedError, createConcurrencyLimiter, heldKind } from './concurrency.js';
export type { RateLimitConfig } from './config.js';
export { rateLimitConfig } from './config.js';
export type { ToolCosts } from './costs.js';
export { toolCost } from './costs.js';
export { rateLimitedError, rateLimitHeaders } from './headers.js';
export type {
  ConsumeRequest,
  RateLimitDecision,
  RateLimiter,
  RateLimiterOptions,
} from './limiter.js';
export { createRateLimiter } from './limiter.js';
export type { RateLimiterStats } from './outage.js';
