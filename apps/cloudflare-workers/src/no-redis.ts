/**
 * What `ioredis` resolves to in the Worker bundle (`alias` in wrangler.jsonc). The shared
 * packages import ioredis at their top level for the Node apps' Redis store; a Worker has no
 * TCP Redis client and counts its limits in a Durable Object instead, so the client is never
 * made here. This stand-in keeps ~440 KiB of unused code out of the bundle, and fails loudly
 * if something tries to connect after all.
 */
class RedisUnavailableOnWorkers {
  constructor() {
    throw new Error(
      'ioredis is not bundled into the Worker: limits are counted in the RateLimits Durable Object',
    );
  }
}

export { RedisUnavailableOnWorkers as Command, RedisUnavailableOnWorkers as Redis };
export default RedisUnavailableOnWorkers;
