/**
 * The audit trail: one structured record per tool call and per authentication decision, on a
 * stream of its own (not the application log), so it can be shipped and retained apart.
 *
 * A record holds who (principal, client id), what (tool, a hash of the arguments), how it
 * ended (outcome, reason) and where to find the rest (request id, session-id hash). Never the
 * arguments, never a credential: records are built from a fixed set of fields, each a string
 * or number the caller has already reduced (hashes, ids), and nothing else is copied in.
 */
import { hash } from 'node:crypto';
import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * A short, stable stand-in for a 2025 session id: the first 16 hex digits of its SHA-256. A
 * session id is a capability, so it never appears in logs, traces or the audit trail as it is.
 */
export function hashSessionId(sessionId: string): string {
  return hash('sha256', sessionId).slice(0, 16);
}

/** `off`, `stderr`, `stdout` (refused in stdio mode) or `file:<path>` (appended). */
export type AuditDestination = 'off' | 'stderr' | 'stdout' | `file:${string}`;

export type AuditOutcome = 'ok' | 'tool_error' | 'protocol_error' | 'refused' | 'accepted';

export interface AuditToolCall {
  tool: string;
  outcome: 'ok' | 'tool_error' | 'protocol_error';
  principal?: string | undefined;
  clientId?: string | undefined;
  /** The HTTP request id (`X-Request-Id`). */
  requestId?: string | undefined;
  /** The JSON-RPC id of the call. */
  mcpRequestId?: string | number | undefined;
  /** A hash of the 2025 session id, never the id. */
  sessionHash?: string | undefined;
  /** {@link hashArguments} of the call's arguments, never the arguments. */
  argsHash?: string | undefined;
  /** The JSON-RPC error code of a protocol error. */
  errorCode?: number | undefined;
}

export interface AuditAuthDecision {
  outcome: 'accepted' | 'refused';
  /** Why it was refused: e.g. `invalid_token`, `insufficient_scope`, `rate_limited`. */
  reason?: string | undefined;
  /** The HTTP status of a refusal (401, 403, 429...). */
  status?: number | undefined;
  principal?: string | undefined;
  clientId?: string | undefined;
  /** The tool a `tools/call` asked for, where it is known. */
  tool?: string | undefined;
  requestId?: string | undefined;
  sessionHash?: string | undefined;
}

export interface AuditLog {
  /** False when the destination is `off`: callers may skip work (hashing) for nothing. */
  readonly enabled: boolean;
  toolCall(record: AuditToolCall): void;
  auth(record: AuditAuthDecision): void;
}

export interface CreateAuditLogOptions {
  /** @default 'stderr' */
  destination?: AuditDestination;
  /** In stdio mode stdout carries the protocol: `stdout` is refused. */
  stdio?: boolean;
  /**
   * Write each line before returning (stderr, stdout, file): for runtimes that freeze the
   * process after the response (Lambda), where a buffered line could be lost. @default false
   */
  sync?: boolean;
  /** Tests only: where lines go instead of the destination. */
  stream?: DestinationStream;
}

const MAX_FIELD = 256;

/** JSON with object keys sorted at every depth: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}

/**
 * The arguments' fingerprint: the first 32 hex digits of the SHA-256 of their canonical JSON.
 * Equal arguments (in any key order) give equal hashes, so calls can be matched and counted;
 * the values cannot be read back.
 */
export function hashArguments(args: unknown): string {
  return hash('sha256', canonicalJson(args ?? {})).slice(0, 32);
}

/** Reads `AUDIT_LOG`'s value; throws on anything else, naming what is allowed. */
export function parseAuditDestination(value: string): AuditDestination {
  if (value === 'off' || value === 'stderr' || value === 'stdout') return value;
  if (value.startsWith('file:') && value.length > 'file:'.length) return value as AuditDestination;
  throw new Error(`AUDIT_LOG must be off, stderr, stdout or file:<path> (got ${value})`);
}

function destinationStream(
  destination: Exclude<AuditDestination, 'off'>,
  sync: boolean,
): DestinationStream {
  if (destination === 'stderr') return pino.destination({ fd: 2, sync });
  if (destination === 'stdout') return pino.destination({ fd: 1, sync });
  return pino.destination({
    dest: destination.slice('file:'.length),
    append: true,
    mkdir: true,
    sync: false,
  });
}

function clip(value: string | undefined): string | undefined {
  return value !== undefined && value.length > MAX_FIELD ? value.slice(0, MAX_FIELD) : value;
}

/** Copies the defined fields only, strings clipped. */
function fields(record: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? clip(value) : value;
  }
  return out;
}

const disabled: AuditLog = { enabled: false, toolCall() {}, auth() {} };

/**
 * The audit log. Its lines are JSON, one per record, with `"audit":true` and the logger name
 * `audit`, so a collector reading a shared stderr can route them apart from the app log.
 */
export function createAuditLog(options: CreateAuditLogOptions = {}): AuditLog {
  const destination = options.destination ?? 'stderr';
  if (destination === 'off') return disabled;
  if (destination === 'stdout' && options.stdio) {
    throw new Error('AUDIT_LOG=stdout is not allowed in stdio mode: stdout carries the protocol');
  }
  const logger: Logger = pino(
    {
      name: 'audit',
      level: 'info',
      base: { audit: true },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.stream ?? destinationStream(destination, options.sync ?? false),
  );
  return {
    enabled: true,
    toolCall(record) {
      logger.info({ event: 'tool_call', ...fields(record) });
    },
    auth(record) {
      logger.info({ event: 'auth', ...fields(record) });
    },
  };
}
