export type { CreateLoggerOptions, LogFormat, Logger, LogLevel } from './logger.js';
export { createLogger, withRequestId } from './logger.js';
export { REDACTED, redactSecrets, SECRET_KEYS, secretKeySet } from './redact.js';
