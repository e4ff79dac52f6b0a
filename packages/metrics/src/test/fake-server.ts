/**
 * A stand-in for the SDK's `McpServer` (this package does not depend on the SDK), built the
 * way SDK 2.4.0 builds its tools/call path: the first `registerTool` installs one `tools/call`
 * handler on the low-level server through `setRequestHandler`; that handler answers an unknown
 * tool with a thrown JSON-RPC error (-32602) and turns anything a tool throws into an
 * `isError` result.
 */

export interface FakeContext {
  sessionId?: string;
  mcpReq: { id: string | number; _meta?: Record<string, unknown> };
  http?: {
    authInfo?: { token: string; clientId: string; extra?: Record<string, unknown> };
    req?: Request;
  };
}

export interface FakeRequest {
  method: 'tools/call';
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
}

type ToolHandler = (args: Record<string, unknown>, ctx: FakeContext) => Promise<unknown>;
type RequestHandler = (request: FakeRequest, ctx: FakeContext) => Promise<unknown>;

export class ProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class FakeMcpServer {
  private readonly tools = new Map<string, ToolHandler>();
  private readonly handlers = new Map<string, RequestHandler>();
  private capabilities: { tools?: object } = {};

  readonly server = {
    setRequestHandler: (method: string, handler: RequestHandler): void => {
      this.handlers.set(method, handler);
    },
    getCapabilities: (): { tools?: object } => this.capabilities,
  };

  /** Prompts only need their names here (the SDK's `registerPrompt` has the same first argument). */
  readonly prompts: string[] = [];
  registerPrompt(name: string, _config: object, _handler: unknown): void {
    this.prompts.push(name);
  }

  registerTool(name: string, _config: object, handler: ToolHandler): void {
    this.tools.set(name, handler);
    if (this.capabilities.tools) return;
    this.capabilities = { tools: { listChanged: true } };
    this.server.setRequestHandler('tools/call', async (request, ctx) => {
      const tool = this.tools.get(request.params.name);
      if (!tool) throw new ProtocolError(-32602, `Tool ${request.params.name} not found`);
      try {
        return await tool(request.params.arguments ?? {}, ctx);
      } catch (error) {
        return { content: [{ type: 'text', text: String(error) }], isError: true };
      }
    });
  }

  /** What the transport does with an incoming tools/call. */
  call(
    name: string,
    ctx: Partial<FakeContext> = {},
    meta?: Record<string, unknown>,
    args: Record<string, unknown> = {},
  ) {
    const handler = this.handlers.get('tools/call');
    if (!handler) throw new Error('no tools/call handler');
    const params = meta ? { name, arguments: args, _meta: meta } : { name, arguments: args };
    return handler({ method: 'tools/call', params }, { mcpReq: { id: 1 }, ...ctx });
  }
}

/** The example tools: one that works, one that refuses, one that is slow. */
export function exampleServer(
  instrument?: (server: FakeMcpServer) => void,
  options: { slowMs?: number } = {},
): FakeMcpServer {
  const server = new FakeMcpServer();
  instrument?.(server);
  server.registerTool('search_notes', {}, async () => ({
    content: [{ type: 'text', text: '2 notes' }],
  }));
  server.registerTool('archive_note', {}, async () => ({
    content: [{ type: 'text', text: 'No note N-9' }],
    isError: true,
  }));
  server.registerTool('long_job', {}, async () => {
    await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 30));
    return { content: [{ type: 'text', text: 'done' }] };
  });
  server.registerPrompt('weekly_review', {}, () => ({ messages: [] }));
  return server;
}
