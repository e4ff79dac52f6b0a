/**
 * A tool with a view (MCP Apps, the `io.modelcontextprotocol/ui` extension): `show_board`
 * answers like any read-only tool (text and structured content), and its `_meta.ui.resourceUri`
 * tells hosts that render apps to fetch `ui://tickets/board.html` and show the result in it.
 * The tool registers that resource too, so the view comes and goes with the tool.
 */
import {
  RESOURCE_MIME_TYPE,
  registerAppResource,
  registerAppTool,
} from '@modelcontextprotocol/ext-apps/server';
import { z } from 'zod';
import { guarded, structured, type ToolModule } from '../module.js';
import { TICKET_STATUSES } from '../store.js';
import { BOARD_VIEW_URI } from '../ui/view.js';
import { cachedJsonSchema } from './cached-json-schema.js';
import { ticketSchema } from './schemas.js';

const inputSchema = cachedJsonSchema(
  z.object({
    status: z.enum(TICKET_STATUSES).optional().describe('Only tickets with this status'),
    limit: z.number().int().min(1).max(50).default(20),
  }),
);

const outputSchema = cachedJsonSchema(
  z.object({ tickets: z.array(ticketSchema), total: z.number().int() }),
);

export const showBoard: ToolModule = {
  name: 'show_board',
  scopes: [],
  cost: 1,
  register(server, deps) {
    registerAppTool(
      server,
      this.name,
      {
        title: 'Show the ticket board',
        description:
          'Show the team ticket board. Hosts that render MCP Apps show it as an interactive ' +
          'board where the user can assign tickets; others get the list as text.',
        inputSchema,
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
        _meta: { ui: { resourceUri: BOARD_VIEW_URI } },
      },
      guarded(this.name, deps, async ({ status, limit }) => {
        const board = await deps.store.list({ limit, ...(status && { status }) });
        const lines = board.tickets.map(
          (t) => `${t.id} [${t.status}/${t.priority}] ${t.title} (${t.assignee ?? 'unassigned'})`,
        );
        return structured(board, [`${board.total} ticket(s) on the board.`, ...lines].join('\n'));
      }),
    );

    // `_meta.ui` on the listing is what a host reviews up front; on the content it is what the
    // host applies when it renders (it takes precedence), so both carry the same policy.
    registerAppResource(
      server,
      'board_view',
      BOARD_VIEW_URI,
      {
        title: 'Ticket board view',
        description: 'The interactive board show_board renders in (MCP Apps)',
        _meta: { ui: deps.ui.meta },
      },
      async (uri) => ({
        contents: [
          {
            uri: uri.href,
            mimeType: RESOURCE_MIME_TYPE,
            text: await deps.ui.html(),
            _meta: { ui: deps.ui.meta },
          },
        ],
      }),
    );
  },
};
