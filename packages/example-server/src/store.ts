/**
 * The example domain: a small team ticket board. In memory, so every app runs with no
 * external service; swap `TicketStore` for a database-backed one in a real server.
 */
import { ToolError } from '@mcp-runway/errors';

export const TICKET_STATUSES = ['open', 'in_progress', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export interface Ticket {
  id: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  assignee: string | null;
  reporter: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TicketQuery {
  text?: string | undefined;
  status?: TicketStatus | undefined;
  assignee?: string | undefined;
  limit?: number | undefined;
}

export interface NewTicket {
  title: string;
  priority: TicketPriority;
  labels: string[];
  reporter: string;
}

/** What the tools need from storage. Async so a database implementation fits unchanged. */
export interface TicketStore {
  list(query?: TicketQuery): Promise<{ tickets: Ticket[]; total: number }>;
  get(id: string): Promise<Ticket | undefined>;
  /** Throws a ToolError the model can read when the board or the reporter's share is full. */
  create(input: NewTicket): Promise<Ticket>;
  update(
    id: string,
    patch: Partial<Pick<Ticket, 'status' | 'assignee'>>,
  ): Promise<Ticket | undefined>;
  delete(id: string): Promise<boolean>;
  ids(): Promise<string[]>;
}

const SEED: readonly Omit<Ticket, 'createdAt' | 'updatedAt'>[] = [
  {
    id: 'T-1',
    title: 'Login page times out behind the corporate proxy',
    status: 'open',
    priority: 'high',
    assignee: 'ana',
    reporter: 'lee',
    labels: ['auth', 'network'],
  },
  {
    id: 'T-2',
    title: 'Nightly export misses rows added after 23:59 UTC',
    status: 'in_progress',
    priority: 'urgent',
    assignee: 'sam',
    reporter: 'ana',
    labels: ['data'],
  },
  {
    id: 'T-3',
    title: 'Add dark mode to the settings screen',
    status: 'open',
    priority: 'low',
    assignee: null,
    reporter: 'kim',
    labels: ['ui'],
  },
  {
    id: 'T-4',
    title: 'Rotate the staging database credentials',
    status: 'closed',
    priority: 'medium',
    assignee: 'lee',
    reporter: 'sam',
    labels: ['security'],
  },
  {
    id: 'T-5',
    title: 'Search returns stale results after a ticket is renamed',
    status: 'open',
    priority: 'medium',
    assignee: null,
    reporter: 'ana',
    labels: ['search', 'data'],
  },
  {
    id: 'T-6',
    title: 'Proxy strips the Mcp-Session-Id header',
    status: 'in_progress',
    priority: 'high',
    assignee: 'kim',
    reporter: 'lee',
    labels: ['network'],
  },
];

export interface InMemoryTicketStoreOptions {
  /** Start from these tickets instead of the built-in board. */
  seed?: readonly Omit<Ticket, 'createdAt' | 'updatedAt'>[];
  now?: () => Date;
  /**
   * Tickets the board holds. Every read (a search, a report, the board resource) walks the
   * whole board, so its size bounds what any call costs, and the memory a caller can fill.
   * @default 1000
   */
  maxTickets?: number;
  /** Tickets one reporter (one caller) may have on the board, so no caller fills it. @default 100 */
  maxTicketsPerReporter?: number;
}

export function createInMemoryTicketStore(options: InMemoryTicketStoreOptions = {}): TicketStore {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const tickets = new Map<string, Ticket>(
    (options.seed ?? SEED).map((ticket) => [
      ticket.id,
      { ...ticket, labels: [...ticket.labels], createdAt: startedAt, updatedAt: startedAt },
    ]),
  );
  let nextNumber = Math.max(0, ...[...tickets.keys()].map((id) => Number(id.slice(2)) || 0)) + 1;
  const copy = (ticket: Ticket): Ticket => ({ ...ticket, labels: [...ticket.labels] });
  const maxTickets = options.maxTickets ?? 1000;
  const maxPerReporter = options.maxTicketsPerReporter ?? 100;
  const filedBy = (reporter: string) =>
    [...tickets.values()].filter((ticket) => ticket.reporter === reporter).length;

  return {
    async list(query = {}) {
      const text = query.text?.toLowerCase();
      const matches = [...tickets.values()].filter(
        (ticket) =>
          (!text || ticket.title.toLowerCase().includes(text) || ticket.labels.includes(text)) &&
          (!query.status || ticket.status === query.status) &&
          (!query.assignee || ticket.assignee === query.assignee),
      );
      return {
        tickets: matches.slice(0, query.limit ?? matches.length).map(copy),
        total: matches.length,
      };
    },
    async get(id) {
      const ticket = tickets.get(id);
      return ticket && copy(ticket);
    },
    async create(input) {
      if (tickets.size >= maxTickets) {
        throw new ToolError(
          `The board is full (${maxTickets} tickets). Delete tickets that are done first.`,
        );
      }
      if (filedBy(input.reporter) >= maxPerReporter) {
        throw new ToolError(
          `${input.reporter} has filed ${maxPerReporter} tickets, the most one caller may. ` +
            'Delete one that is done first.',
        );
      }
      const timestamp = now().toISOString();
      const ticket: Ticket = {
        id: `T-${nextNumber++}`,
        status: 'open',
        assignee: null,
        createdAt: timestamp,
        updatedAt: timestamp,
        ...input,
        labels: [...input.labels],
      };
      tickets.set(ticket.id, ticket);
      return copy(ticket);
    },
    async update(id, patch) {
      const ticket = tickets.get(id);
      if (!ticket) return undefined;
      Object.assign(ticket, patch, { updatedAt: now().toISOString() });
      return copy(ticket);
    },
    async delete(id) {
      return tickets.delete(id);
    },
    async ids() {
      return [...tickets.keys()];
    },
  };
}
