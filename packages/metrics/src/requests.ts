/**
 * Request metrics: one counter row per method, cells for era x outcome x status class.
 * `mcp_requests_total`, `mcp_http_responses_total` and `mcp_initialize_total` are three sums
 * over the same cells, made at scrape time. Durations are `mcp.server.operation.duration`
 * (operations.ts): recorded here for every method but `tools/call`, whose duration the
 * instrumented server records around the tool itself; a `tools/call` the pipeline refused
 * never reached the tool, so it is recorded here.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  ERA_LABELS,
  type Era,
  eraLabel,
  methodLabel,
  REQUEST_OUTCOMES,
  type RequestOutcome,
  requestOutcome,
  STATUS_CLASSES,
} from './labels.js';
import { errorTypeOf, type OperationMetrics } from './operations.js';
import { Rows } from './tally.js';

/** What the adapter knows when a request ends. */
export interface FinishedRequest {
  /** From `requestStarted()`. */
  startedAt: number;
  status: number;
  /** The JSON-RPC method; undefined for a client's response, or when the body was never read. */
  method: string | undefined;
  /** Whether the body was parsed: a 401 is refused before it is. */
  parsed: boolean;
  /** From the parsed message. */
  era?: Era | undefined;
  /**
   * The message's protocol version (`mcp.protocol.version`), else the `MCP-Protocol-Version`
   * header: the era of a request refused before parsing.
   */
  protocolVersion?: string | undefined;
  /** @default from the status: 5xx `error`, 4xx `rejected`, else `ok` */
  outcome?: RequestOutcome | undefined;
  /** What the pipeline threw (a refusal): its JSON-RPC code becomes `error.type`. */
  error?: unknown;
  /** `params.name` of a `tools/call` (or a `prompts/get`). */
  toolName?: string | undefined;
}

const OUTCOMES = REQUEST_OUTCOMES.length;
const CLASSES = STATUS_CLASSES.length;
const cellOf = (era: number, outcome: number, statusClass: number): number =>
  (era * OUTCOMES + outcome) * CLASSES + statusClass;
const classIndex = (status: number): number =>
  Math.min(CLASSES - 1, Math.max(0, Math.floor(status / 100) - 1));

export interface RequestMetrics {
  started(): number;
  finished(request: FinishedRequest): void;
}

export function requestMetrics(
  registers: Registry[],
  operations: OperationMetrics,
  labels: {
    toolLabel(name: string | undefined): string;
    promptLabel(name: string | undefined): string;
  },
): RequestMetrics {
  const rows = new Rows(ERA_LABELS.length * OUTCOMES * CLASSES);
  let inFlight = 0;

  new Gauge({
    name: 'mcp_requests_in_flight',
    help: 'MCP requests being processed (an SSE response counts until its stream starts).',
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  new Counter({
    name: 'mcp_requests_total',
    help: 'MCP requests by JSON-RPC method, protocol era and outcome (ok, error: 5xx, rejected: 4xx).',
    labelNames: ['method', 'era', 'outcome'] as const,
    registers,
    collect() {
      this.reset();
      for (const [method, row] of rows.entries()) {
        ERA_LABELS.forEach((era, e) => {
          REQUEST_OUTCOMES.forEach((outcome, o) => {
            let total = 0;
            for (let c = 0; c < CLASSES; c++) total += row[cellOf(e, o, c)] as number;
            if (total > 0) this.inc({ method, era, outcome }, total);
          });
        });
      }
    },
  });
  new Counter({
    name: 'mcp_http_responses_total',
    help: 'HTTP responses of the MCP endpoint by status class.',
    labelNames: ['code_class'] as const,
    registers,
    collect() {
      this.reset();
      const totals = new Float64Array(CLASSES);
      for (const [, row] of rows.entries()) {
        row.forEach((value, cell) => {
          totals[cell % CLASSES] = (totals[cell % CLASSES] as number) + value;
        });
      }
      // 2xx..5xx always (so rate() has a series from the start), 1xx only if it happened.
      STATUS_CLASSES.forEach((code_class, c) => {
        if (c > 0 || (totals[c] as number) > 0) this.inc({ code_class }, totals[c]);
      });
    },
  });
  new Counter({
    name: 'mcp_initialize_total',
    help: '2025-era initialize requests by outcome (ok, error: 5xx, rejected: 4xx).',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      this.reset();
      const row = rows.row('initialize');
      REQUEST_OUTCOMES.forEach((outcome, o) => {
        let total = 0;
        for (let e = 0; e < ERA_LABELS.length; e++) {
          for (let c = 0; c < CLASSES; c++) total += row[cellOf(e, o, c)] as number;
        }
        this.inc({ outcome }, total);
      });
    },
  });
  return {
    started() {
      inFlight++;
      return performance.now();
    },
    finished(request) {
      inFlight--;
      const method = methodLabel(request.method, request.parsed);
      const era = ERA_LABELS.indexOf(eraLabel(request.era, request.protocolVersion));
      const outcome = REQUEST_OUTCOMES.indexOf(request.outcome ?? requestOutcome(request.status));
      rows.add(method, cellOf(era, outcome, classIndex(request.status)));
      const failed = request.error !== undefined || request.status >= 400;
      if (request.method === undefined || (request.method === 'tools/call' && !failed)) return;
      const { errorType, rpcCode } = failed
        ? errorTypeOf(request.error, request.status)
        : { errorType: undefined, rpcCode: undefined };
      operations.operation({
        method: request.method,
        tool: labels.toolLabel(request.toolName),
        prompt: request.method === 'prompts/get' ? labels.promptLabel(request.toolName) : undefined,
        errorType,
        rpcCode,
        protocolVersion: request.protocolVersion,
        transport: 'tcp',
        seconds: (performance.now() - request.startedAt) / 1000,
      });
    },
  };
}
