import { configPiece, positiveInt } from '@mcp-runway/config';
import { McpServer, type ServerEventBus } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ServerDeps } from './deps.js';
import type { ServerFactory, ServerLogger, ServerModule } from './module.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { createInMemoryTicketStore, type TicketStore } from './store.js';
import { tools } from './tools/index.js';
import * as view from './ui/view.js'; // runway:part ui

export const SERVER_INFO = { name: 'mcp-runway-tickets', version: '0.1.0' } as const;

export { tools };

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
  /**
   * The app's event bus: writes publish their changes there (a ticket's resource updated,
   * the list changed). With it the server offers `resources.subscribe`; the serving lane
   * (2025 sessions, `subscriptions/listen`) delivers. @default none: changes are not announced
   */
  bus?: ServerEventBus | undefined;
  // runway:part ui
  /** The board view's `_meta.ui` (CSP, domain, border). @default from the UI_* defaults */
  ui?: view.BoardViewMeta;
  /** Reads the view's bundle. @default the file system (see `ServerFactoryOptions.readFile`) */
  readFile?: ((file: URL) => Promise<string>) | undefined;
  // runway:end
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
export function createServerFactory(options: ExampleServerOptions = {}): ServerFactory {
  const deps: ServerDeps = {
    store: options.store ?? createInMemoryTicketStore(),
    logger: options.logger ?? silent,
    reportStepMs: options.reportStepMs ?? 250,
    ui: view.createBoardView(options.ui ?? view.defaultMeta(), undefined, options.readFile), // runway:part ui
    bus: options.bus,
  };
  // Subscriptions are offered only where someone delivers the notifications: a bus, and a lane
  // that holds a stream (a 2026-07-28 `subscriptions/listen`, a 2025 session's GET stream). A
  // 2025 request served statelessly has neither, so its instance does not offer them.
  const withSubscribe = {
    resources: { listChanged: true, ...(deps.bus !== undefined && { subscribe: true }) },
  };
  const withoutSubscribe = { resources: { listChanged: true } };
  return (context) => {
    const capabilities = context?.era === 'legacy' ? withoutSubscribe : withSubscribe;
    const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS, capabilities });
    options.decorate?.(server);
    for (const tool of tools) tool.register(server, deps);
    registerResources(server, deps);
    registerPrompts(server, deps);
    return server;
  };
}

/** The variables the example server reads, composed into each app's configuration. */
export const settings = configPiece({
  /** How long each section of `generate_report` takes (it stands in for real work). */
  REPORT_STEP_MS: positiveInt(250),
  ...view.viewSettings.shape, // runway:part ui
});

/** The example as the apps mount it (see {@link ServerModule}). */
export const serverModule: ServerModule = {
  info: SERVER_INFO,
  settings,
  toolNames: tools.map((tool) => tool.name),
  toolPolicies,
  createServerFactory({ logger, settings: values = {}, decorate, bus, readFile } = {}) {
    const parsed = z.object(settings.shape).parse(values);
    return createServerFactory({
      reportStepMs: parsed.REPORT_STEP_MS,
      ui: view.viewMetaFrom(parsed), // runway:part ui
      ...(readFile && { readFile }), // runway:part ui
      ...(logger && { logger }),
      ...(decorate && { decorate }),
      ...(bus && { bus }),
    });
  },
};
