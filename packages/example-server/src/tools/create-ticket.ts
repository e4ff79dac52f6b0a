import { z } from 'zod';
import { callerOf } from '../caller.js';
import { WRITE_SCOPE } from '../deps.js';
import { guarded, structured, type ToolModule } from '../module.js';
import { publishTicketChanged } from '../resources.js';
import { TICKET_PRIORITIES } from '../store.js';
import { cachedJsonSchema } from './cached-json-schema.js';
import { ticketOutput } from './schemas.js';

const inputSchema = cachedJsonSchema(
  z.object({
    title: z.string().trim().min(3).max(200).describe('One line that says what is wrong'),
    priority: z.enum(TICKET_PRIORITIES).default('medium'),
    labels: z
      .array(z.string().regex(/^[a-z0-9-]{1,24}$/))
      .max(5)
      .default([]),
  }),
);

/** A write that acts on behalf of the caller: the reporter is the verified principal. */
export const createTicket: ToolModule = {
  name: 'create_ticket',
  scopes: [WRITE_SCOPE],
  cost: 2,
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'Create a ticket',
        description: 'Open a new ticket on the team board. The caller becomes its reporter.',
        inputSchema,
        outputSchema: ticketOutput,
        annotations: {
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: false,
        },
      },
      guarded(this.name, deps, async (input, ctx) => {
        const ticket = await deps.store.create({ ...input, reporter: callerOf(ctx).id });
        publishTicketChanged(deps, ticket.id, 'created');
        return structured(ticket, `Created ${ticket.id}: ${ticket.title}`);
      }),
    );
  },
};
