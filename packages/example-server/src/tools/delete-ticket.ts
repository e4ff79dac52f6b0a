import { ToolError } from '@mcp-runway/errors';
import { z } from 'zod';
import { WRITE_SCOPE } from '../deps.js';
import { guarded, type ToolModule } from '../module.js';
import { publishTicketChanged } from '../resources.js';
import { cachedJsonSchema } from './cached-json-schema.js';
import { ticketId } from './schemas.js';

const inputSchema = cachedJsonSchema(z.object({ id: ticketId }));

/** Destructive: clients ask the user before calling it, and the auth layer requires a scope. */
export const deleteTicket: ToolModule = {
  name: 'delete_ticket',
  scopes: [WRITE_SCOPE],
  cost: 2,
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'Delete a ticket',
        description: 'Permanently delete a ticket. This cannot be undone.',
        inputSchema,
        annotations: {
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: true,
          openWorldHint: false,
        },
      },
      guarded(this.name, deps, async ({ id }) => {
        if (!(await deps.store.delete(id)))
          throw new ToolError(`No ticket ${id}; nothing was deleted.`);
        publishTicketChanged(deps, id, 'deleted');
        return { content: [{ type: 'text', text: `Deleted ${id}.` }] };
      }),
    );
  },
};
