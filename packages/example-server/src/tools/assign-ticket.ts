import { ToolError } from '@mcp-runway/errors';
import { z } from 'zod';
import { type ServerDeps, WRITE_SCOPE } from '../deps.js';
import { guarded, structured, type ToolModule } from '../module.js';
import { publishTicketChanged } from '../resources.js';
import { cachedJsonSchema } from './cached-json-schema.js';
import { handle, ticketId, ticketOutput } from './schemas.js';

const inputSchema = cachedJsonSchema(z.object({ id: ticketId, assignee: handle }));
/** How many known ids an "unknown ticket" answer names: enough to recover, bounded on a big board. */
const KNOWN_SHOWN = 20;

async function knownTickets(deps: ServerDeps): Promise<string> {
  const ids = await deps.store.ids();
  const shown = ids.slice(0, KNOWN_SHOWN).join(', ');
  return ids.length > KNOWN_SHOWN ? `${shown} (and ${ids.length - KNOWN_SHOWN} more)` : shown;
}

/**
 * Fails cleanly: an unknown or closed ticket is a domain error the model can fix, so it comes
 * back as an `isError` result naming the way out, not as a protocol error.
 */
export const assignTicket: ToolModule = {
  name: 'assign_ticket',
  scopes: [WRITE_SCOPE],
  cost: 1,
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'Assign a ticket',
        description: 'Assign an open ticket to a team member. Closed tickets cannot be assigned.',
        inputSchema,
        outputSchema: ticketOutput,
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        },
      },
      guarded(this.name, deps, async ({ id, assignee }) => {
        const ticket = await deps.store.get(id);
        if (!ticket) {
          const known = await knownTickets(deps);
          throw new ToolError(
            `No ticket ${id}. Known tickets: ${known}. Use search_tickets to find one.`,
          );
        }
        if (ticket.status === 'closed') {
          throw new ToolError(`${id} is closed and cannot be assigned. Open a new ticket instead.`);
        }
        const updated = await deps.store.update(id, { assignee });
        if (!updated) throw new ToolError(`${id} was deleted while it was being assigned.`);
        // Subscribers of tickets://tickets/<id> hear of it, on every instance.
        publishTicketChanged(deps, id, 'updated');
        return structured(updated, `${id} is now assigned to ${assignee}.`);
      }),
    );
  },
};
