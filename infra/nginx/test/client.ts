/**
 * The official SDK client, pointed at nginx, over a fetch that taps the wire: it gives every
 * HTTP request its own X-Request-Id (so nginx's and the instances' logs can be matched to it),
 * records each exchange and every SSE event with the request it arrived on, and can cut a
 * stream after a chosen event, as a dropped connection would.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

export interface Exchange {
  requestId: string;
  httpMethod: string;
  /** The JSON-RPC method of a POST; empty for GET and DELETE. */
  rpcMethod: string;
  /** The Last-Event-ID a GET resumed from. */
  lastEventId: string | null;
  sentAt: number;
  status?: number;
}

export interface SseEvent {
  id: string | undefined;
  data: string;
  /** The request whose response carried the event. */
  requestId: string;
}

export interface TappedClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  exchanges: Exchange[];
  /** Every SSE event passed on to the client, in order (events cut off are not here). */
  events: SseEvent[];
  /** Set it to cut the stream carrying the first event it matches, right after that event. */
  cutAfter: ((event: SseEvent) => boolean) | undefined;
  /** When the last cut happened (performance.now()). */
  cutAt: number | undefined;
  /** A resuming GET (one with Last-Event-ID) goes out no sooner than this long after the cut. */
  holdResumeMs: number;
}

const encoder = new TextEncoder();

function parseEvent(text: string, requestId: string): SseEvent {
  const lines = text.split('\n');
  const value = (field: string) =>
    lines.find((line) => line.startsWith(`${field}:`))?.replace(/^[a-z]+: ?/, '');
  return { id: value('id'), data: value('data') ?? '', requestId };
}

/** Re-emits the stream event by event, recording each, and errors it at the cut. */
function tap(
  body: ReadableStream<Uint8Array>,
  requestId: string,
  tapped: TappedClient,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n');
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const text = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseEvent(text, requestId);
          if (event.data.trim()) tapped.events.push(event);
          controller.enqueue(encoder.encode(`${text}\n\n`));
          if (event.data.trim() && tapped.cutAfter?.(event)) {
            tapped.cutAfter = undefined;
            tapped.cutAt = performance.now();
            // Erroring the stream cancels the response body: undici closes the connection,
            // nginx sees its client leave and closes the upstream one. Later events are lost.
            controller.error(new Error('connection cut by the test'));
            return;
          }
          end = buffer.indexOf('\n\n');
        }
      },
    }),
  );
}

export async function connectThrough(
  url: string,
  label: string,
  options: { modern?: boolean } = {},
): Promise<TappedClient> {
  let count = 0;
  const tapped = { exchanges: [], events: [], holdResumeMs: 0 } as unknown as TappedClient;
  const tappingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const requestId = `${label}-${++count}`;
    const headers = new Headers(init?.headers);
    headers.set('x-request-id', requestId);
    const rpcMethod =
      typeof init?.body === 'string'
        ? ((JSON.parse(init.body) as { method?: string }).method ?? '')
        : '';
    const exchange: Exchange = {
      requestId,
      httpMethod: init?.method ?? 'GET',
      rpcMethod,
      lastEventId: headers.get('last-event-id'),
      sentAt: performance.now(),
    };
    const holdUntil = (tapped.cutAt ?? 0) + tapped.holdResumeMs;
    if (exchange.lastEventId && exchange.sentAt < holdUntil) {
      await new Promise((resolve) => setTimeout(resolve, holdUntil - exchange.sentAt));
      exchange.sentAt = performance.now();
    }
    tapped.exchanges.push(exchange);
    const response = await fetch(input, { ...init, headers });
    exchange.status = response.status;
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream'))
      return response;
    return new Response(tap(response.body, requestId, tapped), {
      status: response.status,
      headers: response.headers,
    });
  };
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    fetch: tappingFetch,
    reconnectionOptions: {
      initialReconnectionDelay: 100,
      maxReconnectionDelay: 1_000,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 6,
    },
  });
  const client = new Client(
    { name: `scale-out-${label}`, version: '1.0.0' },
    options.modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(transport);
  return Object.assign(tapped, { client, transport });
}
