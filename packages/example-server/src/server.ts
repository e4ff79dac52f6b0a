import { McpServer } from '@modelcontextprotocol/server';
import type { ServerDeps, ServerLogger, ToolModule } from './module.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { createInMemoryTicketStore, type TicketStore } from './store.js';
import { assignTicket } from './tools/assign-ticket.js';
import { createTicket } from './tools/create-ticket.js';
import { deleteTicket } from './tools/delete-ticket.js';
import { generateReport } from './tools/generate-report.js';
import { searchTickets } from './tools/search-tickets.js';

export const SERVER_INFO = { name: 'mcp-runway-tickets', version: '0.1.0' } as const;

/** Every tool, in the order `tools/list` shows them. */
export const tools: readonly ToolModule[] = [
  searchTickets,
  createTicket,
  assignTicket,
  deleteTicket,
  generateReport,
];

/** Scopes and rate-limit cost per tool, for the auth and rate-limit layers. */
export const toolPolicies: Readonly<Record<string, { scopes: readonly string[]; cost: number }>> =
  Object.fromEntries(tools.map((tool) => [tool.name, { scopes: tool.scopes, cost: tool.cost }]));

export interface ExampleServerOptions {
  /** Shared by every server instance the factory builds. @default a fresh in-memory board */
  store?: TicketStore;
  logger?: ServerLogger;
  /** @default 250 */
  reportStepMs?: number;
  /**
   * Called with each new McpServer before anything registers on it: where an app attaches
   * instrumentation (`instrumentServer` from @mcp-runway/metrics) without touching the tools.
   */
  decorate?: (server: McpServer) => void;
}

const silent: ServerLogger = { info() {}, warn() {}, error() {} };

const INSTRUCTIONS =
  'A team ticket board. Use search_tickets to find tickets before acting on them; ' +
  'read tickets://tickets/{id} for one ticket. delete_ticket cannot be undone.';

/**
 * Returns the factory every app mounts: `serveStdio(factory)`, `createMcpHandler(factory)`,
 * or one instance per 2025 session. State lives in the store, shared across instances, so a
 * per-request server (stateless HTTP) sees the same board as a per-connection one (stdio).
 */
export function createServerFactory(options: ExampleServerOptions = {}): () => McpServer {
  const deps: ServerDeps = {
    store: options.store ?? createInMemoryTicketStore(),
    logger: options.logger ?? silent,
    reportStepMs: options.reportStepMs ?? 250,
  };
  return () => {
    const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
    options.decorate?.(server);
    for (const tool of tools) tool.register(server, deps);
    registerResources(server, deps);
    registerPrompts(server, deps);
    return server;
  };
}
