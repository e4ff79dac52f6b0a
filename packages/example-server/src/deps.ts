/**
 * What this server's tools, resources and prompts are given: built once per process by
 * `createServerFactory` (server.ts) and shared by every server instance it makes.
 */
import type { ServerEventBus } from '@modelcontextprotocol/server';
import type { ServerLogger } from './module.js';
import type { TicketStore } from './store.js';
import type { BoardView } from './ui/view.js'; // runway:part ui

export interface ServerDeps {
  store: TicketStore;
  logger: ServerLogger;
  /** How long each section of `generate_report` takes; tests make it small. @default 250 */
  reportStepMs: number;
  /**
   * Where changes are published (`publishTicketChanged` in resources.ts): the app's event bus,
   * which reaches subscribed clients of both eras, on every instance. Undefined (stdio, tests):
   * changes are not announced, and resource subscriptions are not offered.
   */
  bus: ServerEventBus | undefined;
  // runway:part ui
  /** The ticket-board view `show_board` renders in (MCP Apps): its HTML and `_meta.ui`. */
  ui: BoardView;
  // runway:end
}

/** The scope every write tool requires. */
export const WRITE_SCOPE = 'tickets:write';
