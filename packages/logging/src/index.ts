export type {
  AuditAuthDecision,
  AuditDestination,
  AuditLog,
  AuditOutcome,
  AuditToolCall,
  CreateAuditLogOptions,
} from './audit.js';
export {
  canonicalJson,
  createAuditLog,
  hashArguments,
  hashSessionId,
  parseAuditDestination,
} from './audit.js';
export type { CreateLoggerOptions, LogFormat, Logger, LogLevel } from './logger.js';
export { createLogger, withRequestId } from './logger.js';
export { REDACTED, redactSecrets, SECRET_KEYS, secretKeySet } from './redact.js';
