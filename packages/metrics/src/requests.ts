/**
 * Request metrics: one counter row per method, cells for era x outcome x status class, and a
 * duration histogram per method. `mcp_requests_total`, `mcp_http_responses_total` and
 * `mcp_initialize_total` are three sums over the same cells, made at scrape time.
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
import { Rows, TallyHistogram } from './tally.js';

/** Whole MCP requests: the pipeline plus the SDK, usually a few milliseconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

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
  /** The `MCP-Protocol-Version` header, for the era of a request refused before parsing. */
  protocolVersion?: string | undefined;
  /** @default from the status: 5xx `error`, 4xx `rejected`, else `ok` */
  outcome?: RequestOutcome | undefined;
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

export function requestMetrics(registers: Registry[]): RequestMetrics {
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
  const duration = new TallyHistogram({
    name: 'mcp_request_duration_seconds',
    help: 'Time from the request entering the pipeline to the response (or SSE stream) starting.',
    labelName: 'method',
    buckets: REQUEST_DURATION_BUCKETS,
    registers,
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
      duration.record(method, (performance.now() - request.startedAt) / 1000);
    },
  };
}
