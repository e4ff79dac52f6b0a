/**
 * The MCP metrics and the recorder the pipeline calls. Recording a request or a tool call is
 * arithmetic on typed arrays (tally.ts); anything with a `stats` object of its own (sessions,
 * the rate limiter, readiness) is read at scrape time (sources.ts). Every label comes from a
 * closed list (labels.ts): no session ids, principals or request ids ever become series.
 */
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { type RedisCircuitSource, watchCircuits } from './circuits.js';
import {
  AUTH_FAILURE_REASONS,
  type AuthFailureReason,
  oneOf,
  RATE_LIMIT_SCOPES,
  type RateLimitScope,
  REDIS_COMPONENTS,
  type RedisComponent,
} from './labels.js';
import { type OperationMetrics, operationMetrics, type SessionRecord } from './operations.js';
import { type FinishedRequest, requestMetrics } from './requests.js';
import { type RateLimiterSource, type SessionSource, watchSources } from './sources.js';
import { type ToolCallRecord, toolMetrics } from './tools.js';

export interface MetricsOptions {
  /**
   * The tools the server declares (`tools.map((tool) => tool.name)`): the values the
   * `gen_ai_tool_name` label may take. Tools registered through an instrumented server are
   * added as they register. Any other name is counted as `_OTHER`.
   */
  tools?: Iterable<string>;
  /** Node.js process metrics: CPU, memory, heap, event loop lag, GC, handles. @default true */
  processMetrics?: boolean;
  /** Labels on every series, e.g. `{ service: 'notes' }`. Prometheus adds `job` and `instance`. */
  defaultLabels?: Readonly<Record<string, string>>;
}

export interface SessionWatchOptions {
  /** The registry's `maxSessions` (`SESSION_MAX`), exported as `mcp_sessions_max` for alerts. */
  max?: number;
}

/** The fields of @mcp-runway/sessions' `SessionEvent` read here. */
export interface SessionEventLike {
  readonly type: string;
  /** Epoch ms. */
  readonly createdAt?: number | undefined;
  readonly protocolVersion?: string | undefined;
}

const SESSION_ENDS: ReadonlySet<string> = new Set(['deleted', 'expired', 'evicted']);

export interface McpMetrics {
  /** Serve it with `serveMetrics({ registry })` or the Hono `metricsEndpoint`. */
  readonly registry: Registry;
  /** Counts the request in flight; returns its start time for {@link requestFinished}. */
  requestStarted(): number;
  requestFinished(request: FinishedRequest): void;
  /** One `tools/call`, timed around the tool (the instrumented server calls it). */
  toolCall(call: ToolCallRecord): void;
  /** One `mcp.server.operation.duration` sample (the adapters and `toolCall` call it). */
  operation: OperationMetrics['operation'];
  /** One `mcp.server.session.duration` sample: a 2025 session ended. */
  sessionEnded(session: SessionRecord): void;
  /**
   * Hand it @mcp-runway/sessions' `onEvent`: a session deleted, expired or evicted here is one
   * `mcp.server.session.duration` sample. `gone` (ended on another instance) is that
   * instance's sample, and `closed` (a shutdown) is no end when the sessions live on in Redis.
   */
  sessionEvent(event: SessionEventLike): void;
  authFailure(reason: AuthFailureReason): void;
  rateLimited(limit: RateLimitScope): void;
  redisError(component: RedisComponent): void;
  /** The `gen_ai_tool_name` label for a name: itself if declared, else `_OTHER`. */
  toolLabel(name: string | undefined): string;
  declareTool(name: string): void;
  /** The `gen_ai_prompt_name` label for a name: itself if declared, else `_OTHER`. */
  promptLabel(name: string | undefined): string;
  declarePrompt(name: string): void;
  /** Reads `registry.stats` of a @mcp-runway/sessions registry at every scrape. Returns an unwatch. */
  watchSessions(source: SessionSource, options?: SessionWatchOptions): () => void;
  /** Reads `limiter.stats` (Redis fallbacks) at every scrape. Returns an unwatch. */
  watchRateLimiter(source: RateLimiterSource): () => void;
  /** `mcp_ready` at every scrape: 1 when every check passes (`health.readiness()` is 200). */
  watchReadiness(check: () => boolean | Promise<boolean>): () => void;
  /**
   * Reads a Redis connection's circuit breaker (`redis.circuit`) at every scrape: its state,
   * transitions and refused calls. Returns an unwatch.
   */
  watchRedisCircuit(source: RedisCircuitSource): () => void;
}

/** A registry of its own (never prom-client's global one), with every MCP metric on it. */
export function createMetrics(options: MetricsOptions = {}): McpMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels({ ...options.defaultLabels });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const operations = operationMetrics(registers);
  const tools = toolMetrics(operations, options.tools ?? []);
  const requests = requestMetrics(registers, operations, tools);

  // Refusals: rare, so prom-client's own counters.
  const authFailures = new Counter({
    name: 'mcp_auth_failures_total',
    help: 'Requests refused by authentication or authorization, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'mcp_rate_limited_total',
    help: 'Requests refused with 429 by the rate limiter, by the budget that refused them.',
    labelNames: ['limit'] as const,
    registers,
  });
  const sources = watchSources(registers);
  const { redisErrors } = sources;
  for (const reason of AUTH_FAILURE_REASONS) authFailures.inc({ reason }, 0);
  for (const limit of RATE_LIMIT_SCOPES) rateLimited.inc({ limit }, 0);
  for (const component of REDIS_COMPONENTS) redisErrors.inc({ component }, 0);

  return {
    registry,
    requestStarted: requests.started,
    requestFinished: requests.finished,
    toolCall: tools.toolCall,
    operation: operations.operation,
    sessionEnded: operations.sessionEnded,
    sessionEvent(event) {
      if (!SESSION_ENDS.has(event.type) || event.createdAt === undefined) return;
      operations.sessionEnded({
        seconds: Math.max(0, Date.now() - event.createdAt) / 1000,
        protocolVersion: event.protocolVersion,
        transport: 'tcp',
      });
    },
    toolLabel: tools.toolLabel,
    declareTool: tools.declareTool,
    promptLabel: tools.promptLabel,
    declarePrompt: tools.declarePrompt,
    authFailure(reason) {
      authFailures.inc({ reason: oneOf(reason, AUTH_FAILURE_REASONS, 'other') });
    },
    rateLimited(limit) {
      rateLimited.inc({ limit: oneOf(limit, RATE_LIMIT_SCOPES, 'global') });
    },
    redisError(component) {
      redisErrors.inc({ component: oneOf(component, REDIS_COMPONENTS, 'other') });
    },
    watchSessions: sources.watchSessions,
    watchRateLimiter: sources.watchRateLimiter,
    watchReadiness: sources.watchReadiness,
    watchRedisCircuit: watchCircuits(registers),
  };
}
