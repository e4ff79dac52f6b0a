import { z } from 'zod';
import { guarded, structured, type ToolModule } from '../module.js';
import { TICKET_STATUSES } from '../store.js';
import { cachedJsonSchema } from './cached-json-schema.js';
import { handle, ticketSchema } from './schemas.js';

const inputSchema = cachedJsonSchema(
  z.object({
    text: z.string().max(200).optional().describe('Words in the title, or a label'),
    status: z.enum(TICKET_STATUSES).optional(),
    assignee: handle.optional(),
    limit: z.number().int().min(1).max(50).default(10),
  }),
);

const outputSchema = cachedJsonSchema(
  z.object({ tickets: z.array(ticketSchema), total: z.number().int() }),
);

/** Read-only, with structured output: the shape most tools in a real server have. */
export const searchTickets: ToolModule = {
  name: 'search_tickets',
  scopes: [],
  cost: 1,
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'Search tickets',
        description: 'Find tickets on the team board by text, label, status or assignee.',
        inputSchema,
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      guarded(this.name, deps, async (query) => {
        const result = await deps.store.list(query);
        const lines = result.tickets.map((t) => `${t.id} [${t.status}/${t.priority}] ${t.title}`);
        const text = `${result.total} ticket(s) match.${lines.length ? `\n${lines.join('\n')}` : ''}`;
        return structured(result, text);
      }),
    );
  },
};
