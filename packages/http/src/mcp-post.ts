/**
 * The MCP POST core: header checks, body limit, JSON-RPC parse, and the one decision of the
 * request's protocol era, which routing, logs and metrics then read from `McpPost.era`.
 */
import {
  InvalidRequestError,
  type JsonRpcId,
  NotAcceptableError,
  ParseError,
  PayloadTooLargeError,
  RequestTimeoutError,
  type RunwayError,
  UnsupportedMediaTypeError,
} from '@mcp-runway/errors';
import {
  classifyInboundRequest,
  type InboundHttpRequest,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/server';

/** Where a 2026-07-28 request names its protocol version (the SDK's constant). */
export { PROTOCOL_VERSION_META_KEY };

/** `modern`: 2026-07-28 and later (a `_meta` envelope per request); `legacy`: up to 2025-11-25. */
export type Era = 'modern' | 'legacy';

/** What the pipeline learned about an MCP POST before the SDK sees it. */
export interface McpPost {
  /** The parsed JSON-RPC message, handed to the SDK as `parsedBody`. */
  message: Record<string, unknown>;
  method: string | undefined;
  /** The JSON-RPC id; undefined for notifications and responses. */
  id: JsonRpcId | undefined;
  /** `params.name` of a tools/call (also prompts/get), for logs, metrics and policies. */
  toolName: string | undefined;
  /**
   * The protocol era, decided once, here, by the SDK's own classifier
   * (`classifyInboundRequest`: the step `createMcpHandler` and `isLegacyRequest` route with).
   * Lane routing, the access log and metrics read it and never classify again. A request
   * the modern path refuses (an envelope or header mismatch) is `modern`, as
   * `isLegacyRequest` counts it: the modern handler owns those answers.
   */
  era: Era;
  /** The `_meta` protocol version the message names (2026-07-28 messages carry one). */
  protocolVersion: string | undefined;
}

export interface McpPostOptions {
  maxBodyBytes: number;
  /**
   * How long the whole body may take to arrive once reading starts (408 after it, see
   * {@link withinBodyDeadline}). Unset: no deadline of its own.
   */
  bodyTimeoutMs?: number | undefined;
}

export interface McpPostHeaders {
  contentType: string | null | undefined;
  accept: string | null | undefined;
  contentLength: string | null | undefined;
}

/** The protocol headers the era classifier checks against the body. */
export interface McpProtocolHeaders {
  /** `MCP-Protocol-Version` */
  protocolVersion: string | null | undefined;
  /** `Mcp-Method` */
  mcpMethod: string | null | undefined;
  /** `Mcp-Name` */
  mcpName: string | null | undefined;
}

function mediaType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function accepts(accept: string, wanted: string): boolean {
  const [type] = wanted.split('/');
  return accept
    .split(',')
    .map(mediaType)
    .some((range) => range === wanted || range === '*/*' || range === `${type}/*`);
}

/**
 * Header checks that need no body: 415 unless JSON, 406 unless the client accepts both JSON
 * and SSE (the server picks one per response), 413 when Content-Length is over the limit.
 */
export function checkMcpPostHeaders(
  headers: McpPostHeaders,
  maxBodyBytes: number,
): RunwayError | undefined {
  if (!headers.contentType || mediaType(headers.contentType) !== 'application/json') {
    return new UnsupportedMediaTypeError();
  }
  const accept = headers.accept ?? '';
  if (!accepts(accept, 'application/json') || !accepts(accept, 'text/event-stream')) {
    return new NotAcceptableError();
  }
  if (headers.contentLength && Number(headers.contentLength) > maxBodyBytes) {
    return new PayloadTooLargeError(maxBodyBytes);
  }
  return undefined;
}

function isJsonRpcId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || typeof value === 'number' || value === null;
}

/** The SDK's classification of a parsed POST, reduced to what routing needs: legacy or not. */
function eraOf(message: Record<string, unknown>, headers: McpProtocolHeaders): Era {
  const request: InboundHttpRequest = { httpMethod: 'POST', body: message };
  if (headers.protocolVersion != null) request.protocolVersionHeader = headers.protocolVersion;
  if (headers.mcpMethod != null) request.mcpMethodHeader = headers.mcpMethod;
  if (headers.mcpName != null) request.mcpNameHeader = headers.mcpName;
  return classifyInboundRequest(request).kind === 'legacy' ? 'legacy' : 'modern';
}

/**
 * The deepest nesting of arrays and objects a message may have; the envelope counts (in
 * `{"params":{"arguments":{...}}}` the arguments object is level 3). JSON.parse builds far
 * deeper values, but everything after it that walks a value recursively (JSON.stringify, zod,
 * a logger) overflows the stack somewhere past a few thousand levels: a 500 and a stack trace
 * for one cheap request. RFC 8259 lets a parser limit depth; beyond it the text is not parsed.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text nests arrays and objects deeper than `maxDepth`. One pass over the
 * text, before JSON.parse: brackets inside strings are text, not structure. Invalid JSON may
 * pass; JSON.parse refuses it next.
 */
function nestsDeeperThan(text: string, maxDepth: number): boolean {
  // Nesting deeper than maxDepth needs more than maxDepth opening brackets; most messages have
  // a handful, counted with indexOf far faster than the scan below walks every character.
  if (!hasMoreOpeningsThan(text, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth--;
  }
  return false;
}

function hasMoreOpeningsThan(text: string, count: number): boolean {
  let seen = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++seen > count) return true;
    }
  }
  return false;
}

/**
 * Parses one JSON-RPC message and classifies its era (with the protocol headers, as the SDK
 * does); throws -32700 for bad JSON (and JSON nested deeper than {@link MAX_JSON_DEPTH}: the
 * parser's limit, like any text it cannot parse) and -32600 for batches and non-messages.
 */
export function parseMcpMessage(text: string, headers: McpProtocolHeaders): McpPost {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ParseError(
      `Parse error: the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ParseError(undefined, { cause });
  }
  if (Array.isArray(parsed)) {
    throw new InvalidRequestError(
      'Invalid request: batches are not supported; send one JSON-RPC message per request',
    );
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { jsonrpc?: unknown }).jsonrpc !== '2.0'
  ) {
    throw new InvalidRequestError('Invalid request: expected a JSON-RPC 2.0 message');
  }
  const message = parsed as Record<string, unknown>;
  const method = typeof message.method === 'string' ? message.method : undefined;
  const params = (
    typeof message.params === 'object' && message.params !== null ? message.params : {}
  ) as Record<string, unknown>;
  const meta = (
    typeof params._meta === 'object' && params._meta !== null ? params._meta : {}
  ) as Record<string, unknown>;
  const protocolVersion =
    typeof meta[PROTOCOL_VERSION_META_KEY] === 'string'
      ? meta[PROTOCOL_VERSION_META_KEY]
      : undefined;
  return {
    message,
    method,
    id: 'id' in message && isJsonRpcId(message.id) ? message.id : undefined,
    toolName: typeof params.name === 'string' ? params.name : undefined,
    era: eraOf(message, headers),
    protocolVersion,
  };
}

/** What a refusal needs to know about the body of the request it refuses. */
export interface BodyArrival {
  contentLength: string | null | undefined;
  transferEncoding: string | null | undefined;
  /** Node's `IncomingMessage.complete`: every byte of the request has arrived. */
  complete: boolean;
}

/**
 * True when a request has a body that has not all arrived. A refusal (401, 413, 408, 503...)
 * answered then must close the connection (`Connection: close`): keeping it would mean
 * reading the rest of the body first, for as long as the client takes to send it.
 */
export function bodyStillArriving(request: BodyArrival): boolean {
  const hasBody =
    request.transferEncoding != null ||
    (request.contentLength != null && request.contentLength !== '0');
  return hasBody && !request.complete;
}

/** Reads a body stream, refusing it (413) as soon as it grows past the limit. */
export async function readBodyText(
  body: ReadableStream<Uint8Array> | null,
  maxBodyBytes: number,
): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(maxBodyBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Settles as `read` (the body being read) does, or rejects with 408 when the body has not all
 * arrived within `timeoutMs`: a client dribbling its body a byte at a time would otherwise
 * hold the connection as long as it likes, and the rate limit, which needs the parsed body,
 * never sees it. The read is abandoned, not awaited: the refusal closes the connection, which
 * ends it.
 */
export function withinBodyDeadline<T>(read: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return read;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RequestTimeoutError(timeoutMs)), timeoutMs);
    // After a 408 the read fails once the connection closes; settling again does nothing.
    read.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** All the checks of an MCP POST, over a web-standard Request. */
export async function readMcpPost(request: Request, options: McpPostOptions): Promise<McpPost> {
  const { maxBodyBytes, bodyTimeoutMs } = options;
  const headerError = checkMcpPostHeaders(
    {
      contentType: request.headers.get('content-type'),
      accept: request.headers.get('accept'),
      contentLength: request.headers.get('content-length'),
    },
    maxBodyBytes,
  );
  if (headerError) throw headerError;
  // Version, envelope and header/body agreement are the SDK's checks, in the order the spec
  // gives them (a header mismatch is -32020 even when the version is also unsupported).
  const text = await withinBodyDeadline(readBodyText(request.body, maxBodyBytes), bodyTimeoutMs);
  return parseMcpMessage(text, {
    protocolVersion: request.headers.get('mcp-protocol-version'),
    mcpMethod: request.headers.get('mcp-method'),
    mcpName: request.headers.get('mcp-name'),
  });
}
