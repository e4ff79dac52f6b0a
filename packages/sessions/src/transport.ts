/**
 * One session's SDK objects (its McpServer and transport), how they are built, and how a
 * session started elsewhere (another instance, or before it went dormant) is rebuilt.
 *
 * The SDK has no supported way to create a transport for an existing session id: `sessionId`
 * and `_initialized` are set only by an initialize request (typescript-sdk#1658, #1882). So a
 * rebuilt session replays the client's stored initialize (and `notifications/initialized`,
 * and the last `logging/setLevel`) through the public `handleRequest`, with a generator that
 * returns the stored id, and discards the answers. The server ends up in the state the first
 * initialize left it in: client capabilities, client info and protocol version.
 */
import {
  type EventStore,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type McpServer,
  type RequestId,
  WebStandardStreamableHTTPServerTransport,
  type WebStandardStreamableHTTPServerTransportOptions,
} from '@modelcontextprotocol/server';

/**
 * The SDK transport plus one thing the registry must know: whether the server is still
 * working on a request (a tool can outlive its HTTP exchange when the client disconnects).
 * A session is never made dormant or evicted for idleness while it is.
 */
export class SessionTransport extends WebStandardStreamableHTTPServerTransport {
  private inflight: Set<RequestId> | undefined;

  constructor(options: WebStandardStreamableHTTPServerTransportOptions) {
    super(options);
    // Protocol.connect keeps a handler that was set before it and calls it first.
    this.onmessage = (message) => this.observe(message);
  }

  get working(): boolean {
    return this.inflight !== undefined && this.inflight.size > 0;
  }

  private observe(message: JSONRPCMessage): void {
    if (isJSONRPCRequest(message)) {
      this.inflight ??= new Set();
      this.inflight.add(message.id);
    } else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      // A cancelled request gets no response: stop waiting for one.
      const requestId = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (requestId !== undefined) this.inflight?.delete(requestId);
    }
  }

  override async send(
    message: JSONRPCMessage,
    options?: Parameters<WebStandardStreamableHTTPServerTransport['send']>[1],
  ): Promise<void> {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      if (message.id !== undefined) this.inflight?.delete(message.id);
    }
    return super.send(message, options);
  }
}

const DISCARDED_EVENT_ID = 'discarded:0';

/**
 * The session's event store as its transport sees it. Drops the events of a replayed
 * initialize (nobody will ever ask for them), and turns a failed write into an event without
 * an id: the message is still delivered, it just cannot be replayed. Without this a store
 * outage would fail every request (the SDK answers 400, or never sends the response).
 */
class PrimableEventStore implements EventStore {
  muted = false;
  readonly getStreamIdForEventId?: (eventId: string) => Promise<string | undefined>;

  constructor(
    private readonly inner: EventStore,
    private readonly onError: (error: unknown) => void,
  ) {
    if (inner.getStreamIdForEventId) {
      this.getStreamIdForEventId = inner.getStreamIdForEventId.bind(inner);
    }
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    if (this.muted) return DISCARDED_EVENT_ID;
    try {
      return await this.inner.storeEvent(streamId, message);
    } catch (error) {
      this.onError(error);
      // The SDK writes no `id:` line for an empty id, so the client keeps its last good one.
      return '';
    }
  }

  replayEventsAfter(...args: Parameters<EventStore['replayEventsAfter']>): Promise<string> {
    return this.inner.replayEventsAfter(...args);
  }
}

export interface Runtime {
  server: McpServer;
  transport: SessionTransport;
  events: PrimableEventStore | undefined;
}

export interface RuntimeOptions {
  factory: () => McpServer;
  eventStore: EventStore | undefined;
  /** Called when the event store fails a write (shared by every session: no closure each). */
  onEventStoreError: (error: unknown) => void;
  /** SSE `retry` hint: how soon a client reconnects a dropped stream. */
  retryIntervalMs: number;
  keepAliveMs: number | undefined;
}

export async function startRuntime(sessionId: string, options: RuntimeOptions): Promise<Runtime> {
  const events =
    options.eventStore && new PrimableEventStore(options.eventStore, options.onEventStoreError);
  const transport = new SessionTransport({
    sessionIdGenerator: () => sessionId,
    retryInterval: options.retryIntervalMs,
    ...(events && { eventStore: events }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const server = options.factory();
  await server.connect(transport);
  return { server, transport, events };
}

/** Closes the server, which closes its transport: streams end, in-flight requests abort. */
export async function stopRuntime(runtime: Runtime): Promise<void> {
  await runtime.server.close();
}

const REPLAY_ID = 'mcp-runway:replay';

async function replay(
  transport: SessionTransport,
  body: object,
  sessionId?: string,
  mustSucceed = true,
): Promise<void> {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  });
  if (sessionId) headers.set('mcp-session-id', sessionId);
  const request = new Request('http://localhost/mcp', { method: 'POST', headers });
  const response = await transport.handleRequest(request, { parsedBody: body });
  const text = await response.text();
  // A request's 200 is an SSE stream whose message is the result, or an error response.
  const refused = text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .some((line) => 'error' in (JSON.parse(line.slice(6)) as object));
  if (mustSucceed && (!response.ok || refused)) {
    const method = (body as { method?: unknown }).method;
    throw new Error(`replaying ${String(method)} failed (HTTP ${response.status})`);
  }
}

export interface ReplayState {
  initialize: string;
  logLevel: string | undefined;
}

/** Rebuilds a session's protocol state on a fresh runtime; throws when the server refuses. */
export async function primeRuntime(
  runtime: Runtime,
  sessionId: string,
  state: ReplayState,
): Promise<void> {
  const { transport, events } = runtime;
  if (events) events.muted = true;
  try {
    const initialize = JSON.parse(state.initialize) as Record<string, unknown>;
    await replay(transport, { ...initialize, id: REPLAY_ID });
    await replay(transport, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
    if (state.logLevel !== undefined) {
      const params = { level: state.logLevel };
      // Whatever the server answered the first time, it answers again: not a reason to fail.
      await replay(
        transport,
        { jsonrpc: '2.0', id: REPLAY_ID, method: 'logging/setLevel', params },
        sessionId,
        false,
      );
    }
  } finally {
    if (events) events.muted = false;
  }
}
