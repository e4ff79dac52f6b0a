export type { AuditConfig } from './audit-config.js';
export { auditConfig } from './audit-config.js';
export type { CircuitStateLabel, RedisCircuitSource } from './circuits.js';
export { CIRCUIT_STATES } from './circuits.js';
export { authFailureReason, isRateLimited, rateLimitScope } from './classify.js';
export type { MetricsConfig } from './config.js';
export { metricsConfig } from './config.js';
export type { MetricsAnswer } from './endpoint.js';
export { bearerTokenCheck, metricsAnswer } from './endpoint.js';
export type { InstrumentableServer, InstrumentServerOptions } from './instrument.js';
export { instrumentServer } from './instrument.js';
export type {
  AuthFailureReason,
  Era,
  EraLabel,
  RateLimitScope,
  RedisComponent,
  RequestOutcome,
  StatusClass,
  ToolOutcome,
} from './labels.js';
export {
  AUTH_FAILURE_REASONS,
  eraLabel,
  MCP_METHODS,
  methodLabel,
  OTHER,
  operationMethod,
  PROTOCOL_VERSIONS,
  protocolVersionLabel,
  RATE_LIMIT_SCOPES,
  REDIS_COMPONENTS,
  REQUEST_OUTCOMES,
  requestOutcome,
  statusClass,
  TOOL_OUTCOMES,
} from './labels.js';
export type {
  McpMetrics,
  MetricsOptions,
  SessionEventLike,
  SessionWatchOptions,
} from './metrics.js';
export { createMetrics } from './metrics.js';
export type {
  NetworkTransport,
  OperationRecord,
  SessionRecord,
} from './operations.js';
export { errorTypeOf, OPERATION_DURATION_BUCKETS } from './operations.js';
export { bindRequestId, requestIdOf } from './request-context.js';
export type { FinishedRequest } from './requests.js';
export type { MetricsServer, ServeMetricsOptions } from './serve.js';
export { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, serveMetrics } from './serve.js';
export type { RateLimiterSource, SessionSource, SessionStatsLike } from './sources.js';
export type { ToolCallLogger, ToolCallLogRecord } from './tool-log.js';
export { hashSessionId, logToolCall } from './tool-log.js';
export type { ToolCallRecord } from './tools.js';
