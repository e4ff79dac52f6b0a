/**
 * The one place a Redis client is made. Every package that keeps shared state (rate limits,
 * session records, event streams) takes a client from here, and an app opens one connection
 * per process and hands it to each of them.
 */
import type { Logger } from '@mcp-runway/logging';
import { Command, Redis, type RedisOptions } from 'ioredis';
import { type CircuitChange, RedisCircuit, type RedisCircuitOptions } from './circuit.js';

/** ioredis options minus RESP3 `replyMapping`, which would change the replies our stores read. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis settings for a client on the request path. ioredis's defaults suit a worker that
 * may wait; a request must not: by default a command issued while Redis is down waits in a
 * queue until Redis returns, and so would every request.
 */
export const REQUEST_PATH_REDIS_OPTIONS: Readonly<RedisClientOptions> = {
  // Fail at once while disconnected, instead of queueing until Redis returns.
  enableOfflineQueue: false,
  // Commands in flight when the connection drops fail then, instead of being resent later.
  maxRetriesPerRequest: 0,
  // A Redis that accepts the connection but does not answer (overloaded, partitioned).
  commandTimeout: 500,
  connectTimeout: 2_000,
  // Keep reconnecting for as long as it takes, at least every 2 s, so recovery is prompt.
  retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
};

type CommandStream = Parameters<Redis['sendCommand']>[1];

/** Commands already watched, so one sent twice (a reconnect's resend) is counted once. */
const watched = new WeakSet<Command>();

/**
 * An ioredis client behind a circuit breaker ({@link RedisCircuit}): every command any user
 * sends (rate limits, session records, event streams, pipelines and transactions alike) passes
 * one gate. While the circuit is open a command is refused with a RedisUnavailableError before
 * it is written; a pipeline is refused whole, never split.
 */
export class GuardedRedis extends Redis {
  readonly circuit: RedisCircuit;

  constructor(url: string, options: RedisClientOptions, circuit: RedisCircuitOptions = {}) {
    super(url, options);
    // The probe bypasses the gate, and the command timeout bounds it.
    this.circuit = new RedisCircuit(
      () => super.sendCommand(new Command('ping')) as Promise<unknown>,
      circuit,
    );
    // `reconnecting`, not `close`: a connection we close ourselves (quit) is no outage.
    this.on('reconnecting', () => this.circuit.connectionLost());
    this.on('ready', () => this.circuit.connectionReady());
    this.on('end', () => this.circuit.dispose());
  }

  override sendCommand(command: Command, stream?: CommandStream): unknown {
    // The connection's own handshake (AUTH, SELECT, INFO: status `connect`) always passes.
    if (!this.circuit.closed && this.status !== 'connect') {
      command.reject(this.circuit.refuse());
      return command.promise;
    }
    const sent = super.sendCommand(command, stream);
    if (!watched.has(command)) {
      watched.add(command);
      command.promise.then(this.circuit.succeeded, this.circuit.failed);
    }
    return sent;
  }
}

/**
 * A client with {@link REQUEST_PATH_REDIS_OPTIONS} (`redis://[:password@]host:port[/db]`,
 * `rediss://` for TLS), behind its own circuit breaker. Not for blocking commands
 * (`XREAD BLOCK`): the command timeout would cut them off; give those a client of their own.
 */
export function createRedisClient(
  url: string,
  options: RedisClientOptions = {},
  circuit: RedisCircuitOptions = {},
): GuardedRedis {
  return new GuardedRedis(url, { ...REQUEST_PATH_REDIS_OPTIONS, ...options }, circuit);
}

/** The circuit of a client made here; undefined for an ioredis client made elsewhere. */
export function circuitOf(redis: Redis | undefined): RedisCircuit | undefined {
  return redis instanceof GuardedRedis ? redis.circuit : undefined;
}

export interface ConnectRedisOptions {
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>;
  /** How long startup waits for the first connection before going on without it. @default 2000 */
  waitMs?: number;
  client?: RedisClientOptions;
  /** The circuit breaker's settings (failures to open, probe interval). */
  circuit?: RedisCircuitOptions;
}

/**
 * Connects at startup, waiting briefly, so the first requests already share state. If Redis is
 * not there yet the app starts anyway: each user of the client falls back (per-instance limits,
 * 503 for new sessions) and recovers by itself once Redis answers.
 */
export async function connectRedis(
  url: string,
  options: ConnectRedisOptions,
): Promise<GuardedRedis> {
  const { logger, waitMs = 2_000 } = options;
  // During the startup wait the one warning below says it all.
  let started = false;
  const redis = createRedisClient(url, options.client, {
    ...options.circuit,
    onStateChange: (change) => {
      if (started) logCircuitChange(logger, change);
      options.circuit?.onStateChange?.(change);
    },
  });
  // ioredis reports every failed reconnect; the users of the client report outages once.
  redis.on('error', (error) => logger.debug({ err: error }, 'redis error'));
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    }),
  ]);
  clearTimeout(timer);
  started = true;
  if (!ready) logger.warn('Redis is not reachable yet: shared state falls back until it is');
  return redis;
}

/**
 * One warning when an outage opens the circuit and one line when it closes; the probes in
 * between (open, half-open, open...) only at debug level.
 */
function logCircuitChange(logger: ConnectRedisOptions['logger'], change: CircuitChange): void {
  if (change.from === 'closed') {
    logger.warn(
      { reason: change.reason },
      'Redis circuit open: Redis calls fail fast and shared state falls back until a probe answers',
    );
  } else if (change.to === 'closed') {
    logger.info({ reason: change.reason }, 'Redis circuit closed: Redis answers again');
  } else {
    logger.debug({ circuit: change }, 'Redis circuit');
  }
}

/** Closes a client politely (QUIT), or at once if Redis does not answer. */
export async function closeRedis(redis: Redis | undefined): Promise<void> {
  await redis?.quit().catch(() => redis.disconnect());
}

/**
 * A client given by the caller (who closes it), or one made here from a URL (which the
 * receiver owns and must close). Stores and limiters accept either.
 */
export function resolveRedis(redis: Redis | string): { client: Redis; owned: boolean } {
  if (typeof redis !== 'string') return { client: redis, owned: false };
  const client = createRedisClient(redis);
  // ioredis reports connection errors as 'error' events; the owners see failed commands.
  client.on('error', () => {});
  return { client, owned: true };
}
