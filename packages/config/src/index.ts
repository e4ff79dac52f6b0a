export type { ComposedSchema, ComposedShape, ConfigPiece, Problem } from './compose.js';
export { composeConfig, configPiece } from './compose.js';
export type { BaseConfig } from './fields.js';
export {
  baseConfigSchema,
  boolean,
  bytes,
  isLoopbackAddress,
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
