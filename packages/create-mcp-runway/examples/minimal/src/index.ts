export type { Caller } from './caller.js';
export { callerOf } from './caller.js';
export type { ServerDeps } from './deps.js';
export type {
  ServerFactoryOptions,
  ServerLogger,
  ServerModule,
  ToolModule,
} from './module.js';
export { SERVER_INFO, serverModule, settings, toolPolicies, tools } from './server.js';
