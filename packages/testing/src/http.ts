/**
 * Raw HTTP over node:http / node:https, not fetch: the checks must send what a browser or a
 * proxy could send (a forged Host, no Content-Type, a body of any size) and see exactly what
 * came back (Content-Length, Content-Encoding, the first SSE event of an endless stream).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

/** A JSON-RPC message as it came back, loosely typed: the checks judge its shape. */
export interface RpcMessage {
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

export interface HttpRequest {
  url: URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** `headers`: stop once the status and headers arrive (for endless streams). */
  read?: 'body' | 'headers';
  timeoutMs: number;
}

export interface HttpReply {
  /** 0 when no answer came (connection refused or reset, timeout): see `error`. */
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as read (an SSE stream is read until it answers the request). */
  text: string;
  sse: boolean;
  /** The JSON-RPC answer: the JSON body, or the SSE event carrying a result or an error. */
  message: RpcMessage | undefined;
  error?: string;
}

const MAX_TEXT = 1 << 20;

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function asMessage(value: unknown): RpcMessage | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as RpcMessage)
    : undefined;
}

/** The `data:` payloads of the complete SSE events in `text`. */
export function sseEvents(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .slice(0, -1)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n'),
    )
    .filter((data) => data !== '');
}

/** The first event that answers a request (has an id and a result or an error). */
function sseAnswer(text: string): RpcMessage | undefined {
  for (const data of sseEvents(text)) {
    try {
      const message = asMessage(JSON.parse(data));
      if (message && 'id' in message && ('result' in message || 'error' in message)) return message;
    } catch {
      // a keep-alive or a non-JSON event: not the answer
    }
  }
  return undefined;
}

function parseBody(text: string): RpcMessage | undefined {
  try {
    return asMessage(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Bodies above this size are written in chunks of it (see below). */
const CHUNK = 64 * 1024;
/** How long a large body waits after its first chunk for a refusal on Content-Length alone. */
const EARLY_ANSWER_MS = 500;

export function send(options: HttpRequest): Promise<HttpReply> {
  const { url, method = 'GET', headers = {}, body, read = 'body', timeoutMs } = options;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let reply: HttpReply | undefined;
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      const base = reply ?? { status: 0, headers: {}, text: '', sse: false, message: undefined };
      if (reply && !reply.message)
        reply.message = reply.sse ? sseAnswer(reply.text) : parseBody(reply.text);
      resolve(error && (!reply || reply.message === undefined) ? { ...base, error } : base);
    };
    const req = request(
      url,
      {
        method,
        headers,
        // One connection per request: no pooled socket carries state from one check to the next.
        agent: false,
        // The TLS name stays the real one when a check forges the Host header (no SNI for IPs).
        ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 && { servername: url.hostname }),
      },
      (res) => {
        const sse = (res.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('text/event-stream');
        reply = {
          status: res.statusCode ?? 0,
          headers: flatten(res.headers),
          text: '',
          sse,
          message: undefined,
        };
        if (read === 'headers') return finish();
        const current = reply;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (current.text.length < MAX_TEXT) current.text += chunk;
          // An SSE response may stay open after the answer (more events, keep-alives).
          if (!sse) return;
          current.message = sseAnswer(current.text);
          if (current.message) finish();
        });
        res.on('end', () => finish());
        res.on('error', (error) => finish(error.message));
      },
    );
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    // A server may answer (413) and close before the whole body is written: the answer counts.
    req.on('error', (error) => finish(error.message));
    if (body === undefined || Buffer.byteLength(body) <= CHUNK) {
      req.end(body);
      return;
    }
    // A large body goes out in two steps. First the headers and one chunk, then a pause: a
    // server that refuses on Content-Length answers at once and closes, and any byte that
    // reaches it after that close makes its kernel reset the connection, which on Linux throws
    // away the answer the client has not read yet. Only a server still reading gets the rest,
    // a chunk at a time, and the writing stops as soon as an answer has come.
    const bytes = Buffer.from(body);
    req.setHeader('content-length', bytes.length);
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length && !settled && reply === undefined) {
        const chunk = bytes.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!settled && reply === undefined) req.end();
    };
    offset = CHUNK;
    req.write(bytes.subarray(0, CHUNK));
    setTimeout(pump, EARLY_ANSWER_MS);
  });
}

/** One line for a report: status, JSON-RPC error or result, and what went wrong on the wire. */
export function describeReply(reply: HttpReply): string {
  if (reply.status === 0) return `no answer (${reply.error ?? 'connection closed'})`;
  const parts = [`HTTP ${reply.status}`];
  const error = reply.message?.error;
  if (error) parts.push(`error ${String(error.code)} "${String(error.message ?? '')}"`);
  else if (reply.message?.result) parts.push('a result');
  else if (reply.text) parts.push(`body ${JSON.stringify(truncate(reply.text, 120))}`);
  return parts.join(', ');
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
