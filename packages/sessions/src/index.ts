export type { SessionsConfig } from './config.js';
export { sessionsConfig } from './config.js';
export {
  InitializeTooLargeError,
  MissingSessionIdError,
  SessionLimitError,
  SessionNotFoundError,
  SessionsUnavailableError,
} from './errors.js';
export type { MemoryEventStoresOptions } from './events/memory.js';
export { MemoryEventStore, MemoryEventStores } from './events/memory.js';
export type { RedisEventStoresOptions } from './events/redis.js';
export { RedisEventStore, RedisEventStores } from './events/redis.js';
export type { EventRetention, SessionEventStores } from './events/types.js';
export type { KeptInitialize } from './initialize.js';
export { keptInitialize } from './initialize.js';
export { sendFetchResponse, toFetchRequest } from './node-bridge.js';
export type { SessionRegistryOptions } from './options.js';
export type { LifecycleAction, SessionClock, SessionLimits } from './policy.js';
export { lifecycleAction, nextDeadline, recordTtlMs, retryAfterSeconds } from './policy.js';
export type { CloseAllOptions } from './registry.js';
export { SessionRegistry } from './registry.js';
export type { JsonRpcObject, SessionRequest, SessionRoute } from './route.js';
export { logLevelSetBy, routeSessionRequest, SESSION_METHODS } from './route.js';
export type { HandleOptions } from './runtimes.js';
export { isValidSessionId, newSessionId, SESSION_ID_HEADER, sessionIdOf } from './session-id.js';
export type { EndReason, SessionEvent, SessionEventType, SessionStats } from './stats.js';
export type { MemorySessionStoreOptions } from './store/memory.js';
export { MemorySessionStore } from './store/memory.js';
export type { RedisSessionStoreOptions } from './store/redis.js';
export { RedisSessionStore } from './store/redis.js';
export type { SessionRecord, SessionStore, TouchRequest } from './store/types.js';
