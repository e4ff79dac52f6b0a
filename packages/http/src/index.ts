export type { AccessLogRecord } from './access-log.js';
export { accessLogLevel, accessLogRecord } from './access-log.js';
export type { HttpConfig } from './config.js';
export { httpConfig } from './config.js';
export type { CorsPolicy, CorsResult } from './cors.js';
export {
  assertValidCorsPolicy,
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  corsHeaders,
  preflight,
} from './cors.js';
export { answerByDeadline } from './deadline.js';
export type { Drain } from './drain.js';
export { createDrain } from './drain.js';
export type {
  DegradableDependency,
  DependencyReport,
  Health,
  HealthOptions,
  HealthReport,
  ReadinessCheck,
} from './health.js';
export { createHealth } from './health.js';
export type { HostOriginPolicy, HostOriginRequest } from './host-origin.js';
export { checkHostOrigin } from './host-origin.js';
export type {
  BodyArrival,
  Era,
  McpPost,
  McpPostHeaders,
  McpPostOptions,
  McpProtocolHeaders,
} from './mcp-post.js';
export {
  bodyStillArriving,
  checkMcpPostHeaders,
  MAX_JSON_DEPTH,
  PROTOCOL_VERSION_META_KEY,
  parseMcpMessage,
  readBodyText,
  readMcpPost,
  withinBodyDeadline,
} from './mcp-post.js';
export {
  allowlistsFor,
  hostAllowed,
  hostnameOf,
  isLoopbackAddress,
  LOOPBACK_HOSTS,
  LOOPBACK_ORIGINS,
  originAllowed,
} from './origins.js';
export { REQUEST_ID_HEADER, resolveRequestId } from './request-id.js';
export { SECURITY_HEADERS } from './security-headers.js';
export type { PoolableServer, ServerPoolOptions } from './server-pool.js';
export { pooledServerFactory } from './server-pool.js';
