/** Real-Redis test helpers: one implementation for the repo, in @mcp-runway/redis/testing. */
export { connectRedis, deleteKeys, SHARED_REDIS_URL } from '@mcp-runway/redis/testing';
