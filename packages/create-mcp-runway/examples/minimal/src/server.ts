import { configPiece } from '@mcp-runway/config';
import { McpServer } from '@modelcontextprotocol/server';
import type { ServerDeps } from './deps.js';
import type { ServerLogger, ServerModule } from './module.js';
import { tools } from './tools/index.js';

export const SERVER_INFO = { name: 'mcp-server', version: '0.1.0' } as const;

export { tools };

/** Scopes and rate-limit cost per tool, for the auth and rate-limit layers. */
export const toolPolicies: Readonly<Record<string, { scopes: readonly string[]; cost: number }>> =
  Object.fromEntries(tools.map((tool) => [tool.name, { scopes: tool.scopes, cost: tool.cost }]));

/** The variables this server reads, composed into each app's configuration (none yet). */
export const settings = configPiece({});

const silent: ServerLogger = { info() {}, warn() {}, error() {} };

/** The server as the apps mount it: `serverModule.createServerFactory()` builds instances. */
export const serverModule: ServerModule = {
  info: SERVER_INFO,
  settings,
  toolNames: tools.map((tool) => tool.name),
  toolPolicies,
  createServerFactory({ logger = silent, decorate } = {}) {
    const deps: ServerDeps = { logger };
    return () => {
      const server = new McpServer(SERVER_INFO);
      decorate?.(server);
      for (const tool of tools) tool.register(server, deps);
      return server;
    };
  },
};
