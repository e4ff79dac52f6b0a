/**
 * What this server's tools are given: built once per process by `createServerFactory`
 * (server.ts) and shared by every server instance it makes. Add your own clients here (a
 * database pool, an API client), built once, never per request.
 */
import type { ServerLogger } from './module.js';

export interface ServerDeps {
  logger: ServerLogger;
}
