import {
  completable,
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ServerDeps } from './deps.js';
import { completeTicketId } from './resources.js';
import { ticketId } from './tools/schemas.js';

function createArgsSchema(deps: ServerDeps) {
  return z.object({
    ticketId: completable(ticketId.describe('The ticket to triage, e.g. T-1'), (value) =>
      completeTicketId(deps, value),
    ),
    // Copied into the prompt text: bounded like any other input.
    audience: z
      .string()
      .max(100)
      .optional()
      .describe('Who reads the triage note (default: the on-call engineer)'),
  });
}

// One schema per set of deps (one per factory), not one per server instance: a zod object
// costs about 8 KB and 30 µs to build, and every 2025 session holds its own server.
const argsSchemas = new WeakMap<ServerDeps, ReturnType<typeof createArgsSchema>>();

/** A prompt with arguments, one of which completes from the board's ticket ids. */
export function registerPrompts(server: McpServer, deps: ServerDeps): void {
  let argsSchema = argsSchemas.get(deps);
  if (!argsSchema) {
    argsSchema = createArgsSchema(deps);
    argsSchemas.set(deps, argsSchema);
  }

  server.registerPrompt(
    'triage_ticket',
    {
      title: 'Triage a ticket',
      description: 'Ask the model to triage one ticket: severity, next step and owner.',
      argsSchema,
    },
    async ({ ticketId, audience }) => {
      const ticket = await deps.store.get(ticketId);
      if (!ticket)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No ticket ${ticketId}`);
      const reader = audience ?? 'the on-call engineer';
      return {
        description: `Triage ${ticket.id}`,
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text:
                `Triage this ticket for ${reader}. Say how severe it is, the next concrete step, and who ` +
                `should own it.\n\n${JSON.stringify(ticket, null, 2)}`,
            },
          },
        ],
      };
    },
  );
}
