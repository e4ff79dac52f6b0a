import type { ConfigPiece } from '@mcp-runway/config';
import { ToolError, toToolErrorResult } from '@mcp-runway/errors';
import type {
  CallToolResult,
  McpServer,
  ServerContext,
  ServerEventBus,
} from '@modelcontextprotocol/server';
import type { ServerDeps } from './deps.js';

/** The slice of a logger the example server uses; a pino logger fits. */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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

/** What a server module's factory is given by the app that mounts it. */
/**
 * Builds one server. `context.era === 'legacy'` is a 2025 request served statelessly (no
 * session, no GET stream): nothing could deliver a notification to it.
 */
export type ServerFactory = (context?: { era: 'legacy' | 'modern' }) => McpServer;

export interface ServerFactoryOptions {
  logger?: ServerLogger;
  /**
   * The app's validated configuration; the module reads its own settings from it (the
   * variables its `settings` piece declares).
   */
  settings?: Readonly<Record<string, unknown>>;
  /** Called with each new McpServer before anything registers on it (instrumentation). */
  decorate?: (server: McpServer) => void;
  /**
   * The app's event bus (the one its `createMcpHandler` and session lane have): the server
   * publishes its changes there, and every subscribed client hears of them, on every instance
   * when the bus is over Redis.
   */
  bus?: ServerEventBus | undefined;
  /**
   * Reads a file the server ships beside its code (the board view's HTML). @default the file
   * system. A platform without one (Cloudflare Workers) bundles such files as text and hands
   * them in here.
   */
  readFile?: ((file: URL) => Promise<string>) | undefined;
}

/**
 * An MCP server as the apps take it: one object per server package. Apps mount whatever
 * module they are given and never name a tool, a resource or a prompt; replacing the tools
 * means replacing this package (and the client checks beside it, in `./testing`).
 */
export interface ServerModule {
  readonly info: { readonly name: string; readonly version: string };
  /** The environment variables the server itself reads, composed into each app's config. */
  readonly settings?: ConfigPiece;
  /** Every tool name (metrics label values are bounded to these). */
  readonly toolNames: readonly string[];
  /** Scopes and rate-limit cost per tool, for the auth and rate-limit layers. */
  readonly toolPolicies: Readonly<
    Record<string, { readonly scopes: readonly string[]; readonly cost: number }>
  >;
  /**
   * A factory of fully registered servers: one per stdio connection, request or session.
   * `createMcpHandler` (through `pooledServerFactory`) says which era an instance serves; a
   * 2025 session or a stdio connection calls it without a context.
   */
  createServerFactory(options?: ServerFactoryOptions): ServerFactory;
}
