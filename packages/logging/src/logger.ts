import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { redactSecrets, secretKeySet } from './redact.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface CreateLoggerOptions {
  /** Service name, written as `name` on every line. */
  name: string;
  /** @default 'info' */
  level?: LogLevel;
  /** JSON lines for machines (production), readable lines for people (development). @default 'json' */
  format?: LogFormat;
  /** Extra keys to redact, on top of {@link SECRET_KEYS}. */
  redactKeys?: readonly string[];
  /** Where lines go. Defaults to stderr (fd 2); only tests pass something else. */
  destination?: DestinationStream;
}

const require = createRequire(import.meta.url);

function prettyStream(): DestinationStream {
  // Loaded on demand so production (JSON) never pays for it. pino-pretty is CommonJS.
  const pretty = require('pino-pretty') as (options: object) => DestinationStream;
  return pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/** Errors, which JSON.stringify would write as `{}`, as their type, message and stack. */
function errorsAsObjects(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { type: value.name, message: value.message, stack: value.stack };
}

/**
 * The one logger factory. Lines always go to stderr, never stdout: in stdio mode stdout
 * carries the MCP protocol and a single stray line corrupts it.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const format = options.format ?? 'json';
  const destination =
    options.destination ??
    (format === 'pretty' ? prettyStream() : pino.destination({ fd: 2, sync: false }));
  const secrets = secretKeySet(options.redactKeys);
  const pinoOptions: LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      // Redaction by key name, on every line and on child bindings.
      log: (object) => redactSecrets(object, secrets),
      bindings: (bindings) => redactSecrets(bindings, secrets),
    },
    // pino's browser build, which bundlers for the Workers runtime pick (apps/cloudflare-workers),
    // has no streams of its own: there the same redacted JSON object goes, as one line, to the
    // destination the app passed (the Worker's writes to its console, which Workers Logs and
    // `wrangler tail` parse). The Node build ignores this option.
    browser: {
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object, secrets),
      },
      write: (object) => {
        destination.write(`${JSON.stringify(object, errorsAsObjects)}\n`);
      },
    },
  };
  return pino(pinoOptions, destination);
}

/** A child logger whose every line carries the request id (and any other bindings). */
export function withRequestId(
  logger: Logger,
  requestId: string,
  bindings: Record<string, unknown> = {},
): Logger {
  return logger.child({ requestId, ...bindings });
}
