/**
 * The official SDK client (default 2025 negotiation) over a fetch that the test can point at
 * another instance (a switchable origin, as a load balancer would move a client), and that
 * records every SSE event the client receives, to check replays event by event.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { PRINCIPAL_HEADER } from './instance.js';

export interface SseEvent {
  id: string | undefined;
  data: string;
}

export interface TestClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Where requests go now: set it to another instance's URL to move the client. */
  target: { url: string };
  /** Every SSE event with data received so far, in order. */
  events: SseEvent[];
  /** Every request sent, as `METHOD jsonrpc-method` (GET and DELETE have none). */
  requests: string[];
}

function tapSse(body: ReadableStream<Uint8Array>, events: SseEvent[]): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const id = lines.find((line) => line.startsWith('id: '))?.slice(4);
          const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '';
          if (data.trim()) events.push({ id, data });
          end = buffer.indexOf('\n\n');
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

export interface ConnectOptions {
  /** Answer the client's GET stream with 405 locally, so the session sees only POSTs. */
  withoutGetStream?: boolean;
}

export async function connectClient(
  url: string,
  principal?: string,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const target = { url };
  const events: SseEvent[] = [];
  const requests: string[] = [];
  const tappingFetch = async (
    _input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const method =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }).method : '';
    requests.push(`${init?.method ?? 'GET'} ${method ?? ''}`.trim());
    if (options.withoutGetStream && init?.method === 'GET')
      return new Response(null, { status: 405 });
    const response = await fetch(target.url, init);
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      return response;
    }
    return new Response(tapSse(response.body, events), {
      status: response.status,
      headers: response.headers,
    });
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: tappingFetch,
    ...(principal !== undefined && { requestInit: { headers: { [PRINCIPAL_HEADER]: principal } } }),
    reconnectionOptions: {
      initialReconnectionDelay: 50,
      maxReconnectionDelay: 200,
      reconnectionDelayGrowFactor: 1.5,
      maxRetries: 5,
    },
  });
  const client = new Client({ name: 'sessions-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, target, events, requests };
}
