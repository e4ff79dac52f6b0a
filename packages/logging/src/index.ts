export type { CreateLoggerOptions, LogFormat, Logger, LogLevel } from './logger.js';
export { createLogger, withRequestId } from './logger.js';
export { REDACTED, redactPaths, SECRET_KEYS } from './redact.js';
