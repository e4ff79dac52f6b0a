export type { Caller, UpstreamAccount } from './caller.js';
export { callerOf, upstreamOf } from './caller.js';
export type { ServerDeps } from './deps.js';
export { WRITE_SCOPE } from './deps.js';
export type {
  ServerFactoryOptions,
  ServerLogger,
  ServerModule,
  ToolModule,
} from './module.js';
export { BOARD_URI, publishTicketChanged, ticketUri } from './resources.js';
export type { ExampleServerOptions } from './server.js';
export {
  createServerFactory,
  SERVER_INFO,
  serverModule,
  settings,
  toolPolicies,
  tools,
} from './server.js';
export type {
  NewTicket,
  Ticket,
  TicketPriority,
  TicketQuery,
  TicketStatus,
  TicketStore,
} from './store.js';
export { createInMemoryTicketStore, TICKET_PRIORITIES, TICKET_STATUSES } from './store.js';
