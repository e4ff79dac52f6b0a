/**
 * Between Node's http objects and the SDK's web-standard transport. Ours rather than the SDK's
 * Node bridge (`@modelcontextprotocol/node` 2.1.2, the release for server 2.4.0), because:
 * - `NodeStreamableHTTPServerTransport` wraps a `WebStandardStreamableHTTPServerTransport` it
 *   keeps private, and its `handleRequest` takes only Node's `req` and `res`. The registry needs
 *   the web-standard transport itself, to rebuild a session by replaying its initialize through
 *   `handleRequest(Request)` (see transport.ts).
 * - `toNodeHandler`, which writes a web Response to Node, sends no headers before the body's
 *   first chunk, so a GET stream's client sees nothing until the first event or keep-alive
 *   (15 s); and it notices a client that left only when the next chunk arrives, so until then
 *   the transport keeps the dead stream (a reconnecting GET gets 409) and the session stays in
 *   use. `sendFetchResponse` flushes an SSE response's headers and cancels its body at once.
 * - `toWebRequest`, which builds a web Request from Node's, would serve the request half, but
 *   it builds the URL as `http://${Host}${req.url}`: an absolute-form target
 *   (`POST http://host/mcp`, which HTTP/1.1 servers must accept) or a Host that is not a valid
 *   authority throws a TypeError (a 500) where `toFetchRequest` serves the request. It also
 *   serializes the parsed body again into a Request whose body the transport never reads
 *   (about 21 µs against 10 µs here), and a message nested too deep for JSON.stringify (a
 *   RangeError) becomes a 500 before the SDK sees it.
 * node-bridge.test.ts pins all three behaviours. The Express pipeline's 2026-07-28 lane
 * (`@mcp-runway/pipeline`, lanes.ts) writes its answers through the same two functions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParseError, PayloadTooLargeError } from '@mcp-runway/errors';

// Hop-by-hop and framing headers describe the Node request, not the one the transport sees
// (which has no body: the transport reads the parsed body it is given).
const SKIPPED_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/**
 * A body-less web Request with the Node request's method, URL and headers, and the `signal`
 * (aborted when the client goes away) for handlers that watch it.
 */
export function toFetchRequest(req: IncomingMessage, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':') || SKIPPED_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  // A fixed origin: the URL is only a label here, and a Host header is client-controlled.
  const url = new URL(req.url ?? '/', 'http://localhost');
  return new Request(url, { method: req.method ?? 'GET', headers, ...(signal && { signal }) });
}

/**
 * Writes a web Response to a Node response, SSE streams included. When the client goes away
 * the body is cancelled at once, so the transport stops writing to that stream right away and
 * keeps later messages for a resume (with an event store) instead.
 */
export async function sendFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // An SSE stream may stay silent for a while: the client should see its headers now.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
  const reader = response.body.getReader();
  const cancel = (): void => {
    reader.cancel().catch(() => {});
  };
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = (): void => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
      }
    }
  } catch {
    // The stream was cancelled or errored: the response ends below either way.
  } finally {
    res.off('close', cancel);
    if (!res.writableEnded) res.end();
  }
}

/** Reads and parses a JSON body, for callers without a body parser. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.byteLength;
    if (size > maxBytes) throw new PayloadTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
  } catch (cause) {
    throw new ParseError(undefined, { cause });
  }
}
