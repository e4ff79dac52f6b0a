import {
  type McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import type { ServerDeps } from './deps.js';

const JSON_MIME = 'application/json';

export const BOARD_URI = 'tickets://board';

/** The URI of one ticket's resource: what a client passes to `resources/subscribe`. */
export function ticketUri(id: string): string {
  return `tickets://tickets/${id}`;
}

/**
 * Tells subscribed clients what a write changed: the ticket's resource (`resources/updated`),
 * and, when tickets came or went, the resource list and the board that counts them.
 */
export function publishTicketChanged(
  deps: Pick<ServerDeps, 'bus'>,
  id: string,
  change: 'updated' | 'created' | 'deleted',
): void {
  const { bus } = deps;
  if (!bus) return;
  bus.publish({ kind: 'resource_updated', uri: ticketUri(id) });
  if (change === 'updated') return;
  bus.publish({ kind: 'resource_updated', uri: BOARD_URI });
  bus.publish({ kind: 'resources_list_changed' });
}

async function completeTicketId(deps: ServerDeps, prefix: string): Promise<string[]> {
  const wanted = prefix.toUpperCase();
  return (await deps.store.ids()).filter((id) => id.startsWith(wanted));
}

/** A static resource (the board) and a template (one ticket), with completion of the id. */
export function registerResources(server: McpServer, deps: ServerDeps): void {
  server.registerResource(
    'board',
    BOARD_URI,
    {
      title: 'Ticket board',
      description: 'Counts of tickets by status and priority',
      mimeType: JSON_MIME,
    },
    async (uri) => {
      const { tickets, total } = await deps.store.list();
      const byStatus: Record<string, number> = {};
      const byPriority: Record<string, number> = {};
      for (const t of tickets) {
        byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
        byPriority[t.priority] = (byPriority[t.priority] ?? 0) + 1;
      }
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: JSON_MIME,
            text: JSON.stringify({ total, byStatus, byPriority }),
          },
        ],
      };
    },
  );

  server.registerResource(
    'ticket',
    new ResourceTemplate('tickets://tickets/{id}', {
      list: async () => ({
        resources: (await deps.store.list()).tickets.map((t) => ({
          uri: ticketUri(t.id),
          name: t.id,
          title: t.title,
          mimeType: JSON_MIME,
        })),
      }),
      complete: { id: (value) => completeTicketId(deps, value) },
    }),
    { title: 'Ticket', description: 'One ticket, as JSON', mimeType: JSON_MIME },
    async (uri, { id }) => {
      const ticket = await deps.store.get(String(id));
      if (!ticket) throw new ResourceNotFoundError(uri.href);
      return { contents: [{ uri: uri.href, mimeType: JSON_MIME, text: JSON.stringify(ticket) }] };
    },
  );
}

export { completeTicketId };
