export type { BaseConfig } from './fields.js';
export {
  baseConfigSchema,
  boolean,
  bytes,
  list,
  logFormatFor,
  logLevel,
  port,
  positiveInt,
  secret,
  secretFields,
} from './fields.js';
export type { Env } from './load.js';
export { ConfigError, loadConfig, loadConfigOrExit, redactConfig } from './load.js';
