/**
 * Metrics on Lambda: CloudWatch Embedded Metric Format (EMF) log lines.
 *
 * There is no long-lived process to scrape on Lambda (an environment is frozen between
 * invocations and discarded without notice), so a `/metrics` listener does not fit. Instead,
 * each invocation writes one JSON log line carrying an `_aws` block; CloudWatch Logs extracts
 * the metrics from it asynchronously. No SDK, no network call, no extra latency: the cost is
 * one `write` of a few hundred bytes per invocation.
 *
 * What is recorded (bounded labels, as in @mcp-runway/metrics):
 * - `Requests` (Count) and `RequestDuration` (Milliseconds) by `Method`, `Era`, `Outcome`;
 * - `ToolCalls` (Count) and `ToolCallDuration` (Milliseconds) by `Tool`, `ToolOutcome`.
 *
 * Lambda runs one invocation at a time per execution environment, so "what was recorded since
 * the last line" is exactly this invocation. (Tests that run requests concurrently in one
 * process may see a tool call on a neighbour's line; the totals stay right.)
 */

import type { AuditLog } from '@mcp-runway/logging';
import {
  instrumentServer,
  methodLabel,
  type RequestOutcome,
  requestOutcome,
  type ToolOutcome,
} from '@mcp-runway/metrics';
import type { McpServer } from '@modelcontextprotocol/server';

export type { RequestOutcome, ToolOutcome };
export type Era = '2025' | '2026' | 'unknown';

export interface EmfOptions {
  /** CloudWatch namespace. @default 'McpRunway' */
  namespace?: string;
  /** Where the line goes; stdout by default (Lambda ships each line to CloudWatch Logs). */
  write?: (line: string) => void;
  /** The clock; tests pass their own. @default Date.now */
  now?: () => number;
}

interface ToolSample {
  tool: string;
  outcome: ToolOutcome;
  ms: number;
}
interface RequestSample {
  method: string;
  era: Era;
  outcome: RequestOutcome;
  ms: number;
}

export interface EmfRecorder {
  /** Wraps the server's `tools/call` handler: call it before any tool registers (`decorate`). */
  instrument(server: McpServer, audit?: AuditLog): void;
  toolCall(sample: ToolSample): void;
  request(sample: RequestSample): void;
  /** Writes what was recorded since the last flush (nothing if nothing was) and resets. */
  flush(): void;
}

const writeStdout = (line: string) => {
  process.stdout.write(line);
};

export function createEmfRecorder(options: EmfOptions = {}): EmfRecorder {
  const namespace = options.namespace ?? 'McpRunway';
  const write = options.write ?? writeStdout;
  const now = options.now ?? Date.now;
  const declared = new Set<string>();
  let tools: ToolSample[] = [];
  let request: RequestSample | undefined;

  const toolDirective = {
    Namespace: namespace,
    Dimensions: [['Tool', 'ToolOutcome']],
    Metrics: [
      { Name: 'ToolCalls', Unit: 'Count' },
      { Name: 'ToolCallDuration', Unit: 'Milliseconds' },
    ],
  };
  const requestDirective = {
    Namespace: namespace,
    Dimensions: [['Method', 'Era', 'Outcome']],
    Metrics: [
      { Name: 'Requests', Unit: 'Count' },
      { Name: 'RequestDuration', Unit: 'Milliseconds' },
    ],
  };

  const recorder: EmfRecorder = {
    instrument(server, audit) {
      // The same instrumentation as the HTTP apps' Prometheus metrics (one definition of a
      // tool call's outcome), recording into this invocation's line instead.
      instrumentServer(
        server,
        {
          declareTool: (name) => declared.add(name),
          toolLabel: (name) => (name !== undefined && declared.has(name) ? name : 'other'),
          toolCall: ({ tool, outcome, seconds }) =>
            recorder.toolCall({
              tool: declared.has(tool) ? tool : 'other',
              outcome,
              ms: seconds * 1000,
            }),
        },
        { audit },
      );
    },
    toolCall(sample) {
      tools.push(sample);
    },
    request(sample) {
      request = sample;
    },
    flush() {
      if (!request && tools.length === 0) return;
      // One (Tool, ToolOutcome) pair per line: EMF dimension values are top-level fields. A
      // stateless request carries one tools/call, so this is one line in practice.
      const groups = new Map<string, ToolSample[]>();
      for (const sample of tools) {
        const key = `${sample.tool}\u0000${sample.outcome}`;
        groups.set(key, [...(groups.get(key) ?? []), sample]);
      }
      const toolFields = [...groups.values()].map((samples) => {
        const [head] = samples as [ToolSample, ...ToolSample[]];
        return {
          Tool: head.tool,
          ToolOutcome: head.outcome,
          ToolCalls: samples.length,
          // EMF takes an array of values (up to 100) as a distribution.
          ToolCallDuration:
            samples.length === 1 ? round(head.ms) : samples.map((sample) => round(sample.ms)),
        };
      });
      const timestamp = now();
      const lines: Record<string, unknown>[] = [];
      if (request) {
        const tool = toolFields.shift();
        lines.push({
          _aws: {
            Timestamp: timestamp,
            CloudWatchMetrics: tool ? [requestDirective, toolDirective] : [requestDirective],
          },
          Method: request.method,
          Era: request.era,
          Outcome: request.outcome,
          Requests: 1,
          RequestDuration: round(request.ms),
          ...tool,
        });
      }
      for (const tool of toolFields) {
        lines.push({ _aws: { Timestamp: timestamp, CloudWatchMetrics: [toolDirective] }, ...tool });
      }
      request = undefined;
      tools = [];
      write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    },
  };
  return recorder;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Bounded labels for a request, read from the Lambda event (no second parse of the Request). */
export function describeRequest(
  method: string,
  headers: Headers,
  body: string | undefined,
): { method: string; era: Era } {
  let mcpMethod = method === 'POST' ? 'other' : `http_${method.toLowerCase()}`;
  let version = headers.get('mcp-protocol-version') ?? undefined;
  if (method === 'POST' && body) {
    try {
      const message = JSON.parse(body) as {
        method?: unknown;
        params?: { protocolVersion?: unknown; _meta?: Record<string, unknown> };
      };
      if (typeof message.method === 'string') mcpMethod = methodLabel(message.method, true);
      const meta = message.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
      const initial = message.params?.protocolVersion;
      version ??=
        typeof meta === 'string' ? meta : typeof initial === 'string' ? initial : undefined;
    } catch {
      // not JSON: the pipeline answers 400; the method stays `other`.
    }
  }
  const era: Era = version?.startsWith('2026') ? '2026' : version ? '2025' : 'unknown';
  return { method: mcpMethod, era };
}

export const outcomeOf = (status: number): RequestOutcome => requestOutcome(status);
