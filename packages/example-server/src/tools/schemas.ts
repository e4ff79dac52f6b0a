import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../store.js';
import { cachedJsonSchema } from './cached-json-schema.js';

// Schemas live at module level: zod compiles a parser per z.object, so building them per
// request (createMcpHandler builds a server per request) costs ~30 µs each, every time.

/** Nine digits: more tickets than any board holds, and a bound on what a caller can send. */
export const ticketId = z
  .string()
  .regex(/^T-\d{1,9}$/, 'ticket ids look like T-12')
  .describe('Ticket id, e.g. T-3');

export const ticketSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(TICKET_PRIORITIES),
  assignee: z.string().nullable(),
  reporter: z.string(),
  labels: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const handle = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, 'handles are 2-32 lowercase letters, digits, _ or -')
  .describe('Team member handle, e.g. ana');

/** `ticketSchema` as a tool's whole output schema, with its JSON Schema memoized. */
export const ticketOutput = cachedJsonSchema(ticketSchema);
