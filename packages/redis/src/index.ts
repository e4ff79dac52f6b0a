export type {
  ClosableEventBus,
  CreateEventBusOptions,
  EventBusStats,
  RedisEventBusOptions,
} from './bus.js';
export { createEventBus, RedisEventBus } from './bus.js';
export type {
  CircuitChange,
  CircuitState,
  RedisCircuitOptions,
  RedisCircuitStats,
  RedisReadiness,
} from './circuit.js';
export { isOutageError, RedisCircuit, RedisUnavailableError } from './circuit.js';
export type { ConnectRedisOptions, RedisClientOptions } from './client.js';
export {
  circuitOf,
  closeRedis,
  connectRedis,
  createRedisClient,
  GuardedRedis,
  REQUEST_PATH_REDIS_OPTIONS,
  resolveRedis,
} from './client.js';
export { redisConfig } from './config.js';
