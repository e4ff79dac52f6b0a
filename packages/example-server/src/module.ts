import { ToolError, toToolErrorResult } from '@mcp-runway/errors';
import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { TicketStore } from './store.js';

/** The slice of a logger the example server uses; a pino logger fits. */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Everything the tools, resources and prompts need. The apps build it once per process. */
export interface ServerDeps {
  store: TicketStore;
  logger: ServerLogger;
  /** How long each section of `generate_report` takes; tests make it small. @default 250 */
  reportStepMs: number;
}

/**
 * A tool and the policy that goes with it, declared side by side: `scopes` are what an
 * OAuth token or API key must carry to call it (enforced by the auth layer, not here), and
 * `cost` is how much of the caller's rate-limit budget one call spends.
 */
export interface ToolModule {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly cost: number;
  register(server: McpServer, deps: ServerDeps): void;
}

/** The scope every write tool requires. */
export const WRITE_SCOPE = 'tickets:write';

/**
 * Wraps a tool handler so failures reach the model as `isError` results: a ToolError keeps
 * its message (the model can act on it), anything else is logged and reported generically
 * so no stack trace or internal detail leaves the server.
 */
export function guarded<A>(
  tool: string,
  deps: Pick<ServerDeps, 'logger'>,
  handler: (args: A, ctx: ServerContext) => Promise<CallToolResult>,
): (args: A, ctx: ServerContext) => Promise<CallToolResult> {
  return async (args, ctx) => {
    try {
      return await handler(args, ctx);
    } catch (error) {
      if (!(error instanceof ToolError)) {
        deps.logger.error(
          { err: error, tool, mcpRequestId: ctx.mcpReq.id },
          'tool failed unexpectedly',
        );
      }
      return toToolErrorResult(error, String(ctx.mcpReq.id));
    }
  };
}

/** A text block plus the same value as structured content, as clients of both kinds expect. */
export function structured(value: object, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: value as Record<string, unknown> };
}
