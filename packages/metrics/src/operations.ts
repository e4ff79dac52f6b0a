/**
 * The two server metrics of the OpenTelemetry MCP semantic conventions (development status):
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/#metrics
 *
 * - `mcp.server.operation.duration`: one sample per MCP request, from receipt to result.
 * - `mcp.server.session.duration`: one sample per 2025-era session, when it ends.
 *
 * Both go to Prometheus under its translation of OpenTelemetry names (dots and the unit:
 * `mcp_server_operation_duration_seconds`, labels `mcp_method_name`, `gen_ai_tool_name`, ...),
 * and, once an OpenTelemetry MeterProvider is registered (`startTelemetry()`), to it as well,
 * under the conventions' own names. Every attribute value comes from a closed list.
 */
import { describeErrorCode } from '@mcp-runway/errors';
import {
  type Attributes,
  type MeterProvider,
  type Histogram as OtelHistogram,
  metrics as otelMetrics,
} from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { OTHER, operationMethod, protocolVersionLabel } from './labels.js';
import { TallyHistogram } from './tally.js';

/** The conventions' `ExplicitBucketBoundaries` for both MCP duration histograms, in seconds. */
export const OPERATION_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
];

/** `network.transport`: `tcp` for Streamable HTTP, `pipe` for stdio. */
export type NetworkTransport = 'tcp' | 'pipe';

export interface OperationRecord {
  /** The JSON-RPC method; `_OTHER` when it is not a spec method. */
  method: string;
  /** `gen_ai.tool.name` for `tools/call`: a declared tool's name, else `_OTHER`. */
  tool?: string | undefined;
  /** `gen_ai.prompt.name` for `prompts/get`: a declared prompt's name, else `_OTHER`. */
  prompt?: string | undefined;
  /** `error.type`, already bounded ({@link errorTypeOf}); undefined when the operation succeeded. */
  errorType?: string | undefined;
  /** `rpc.response.status_code`: the JSON-RPC error code, when the answer was one. */
  rpcCode?: number | undefined;
  /** `mcp.protocol.version` as the client sent it (bounded here). */
  protocolVersion?: string | undefined;
  transport: NetworkTransport;
  seconds: number;
}

export interface SessionRecord {
  protocolVersion?: string | undefined;
  transport: NetworkTransport;
  /** Set only when the session ended because something failed. */
  errorType?: string | undefined;
  seconds: number;
}

/**
 * `error.type` and `rpc.response.status_code` of a failure, bounded: a JSON-RPC code this
 * template knows (@mcp-runway/errors' catalogue), else the HTTP status of a refusal, else
 * `_OTHER`. A tool's `isError` result is `tool_error` (set by the caller).
 */
export function errorTypeOf(
  error: unknown,
  status?: number,
): { errorType: string; rpcCode?: number } {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'number' && describeErrorCode(code) !== undefined) {
    return { errorType: String(code), rpcCode: code };
  }
  if (status !== undefined && status >= 400 && status <= 599) return { errorType: String(status) };
  return { errorType: OTHER };
}

const OPERATION_LABELS = [
  'mcp_method_name',
  'gen_ai_tool_name',
  'gen_ai_operation_name',
  'gen_ai_prompt_name',
  'error_type',
  'rpc_response_status_code',
  'mcp_protocol_version',
  'network_transport',
  'network_protocol_name',
] as const;
const SESSION_LABELS = [
  'mcp_protocol_version',
  'network_transport',
  'network_protocol_name',
  'error_type',
] as const;

interface OtelInstruments {
  operation: OtelHistogram;
  session: OtelHistogram;
}

let provider: MeterProvider | undefined;
let instruments: OtelInstruments | undefined;

/**
 * The OpenTelemetry histograms of the MeterProvider registered now, or undefined while none is
 * (the API's no-op provider): then no attribute object is built. Looked up on each record, not
 * once, for the reason `tracer()` is (the SDK registers through the API's CommonJS copy).
 */
function otelInstruments(): OtelInstruments | undefined {
  const current = otelMetrics.getMeterProvider();
  if (current !== provider) {
    provider = current;
    instruments = undefined;
    if (current.constructor.name !== 'NoopMeterProvider') {
      const meter = current.getMeter('@mcp-runway/metrics');
      const advice = { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] };
      instruments = {
        operation: meter.createHistogram('mcp.server.operation.duration', {
          unit: 's',
          description:
            'MCP request or notification duration as observed on the receiver from the time it was received until the result or ack is sent.',
          advice,
        }),
        session: meter.createHistogram('mcp.server.session.duration', {
          unit: 's',
          description: 'The duration of the MCP session as observed on the MCP server.',
          advice,
        }),
      };
    }
  }
  return instruments;
}

function put(attributes: Attributes, key: string, value: string | undefined): void {
  if (value) attributes[key] = value;
}

export interface OperationMetrics {
  operation(record: OperationRecord): void;
  sessionEnded(record: SessionRecord): void;
  /** Exports a declared tool's successful HTTP series at 0, so rates see it from the start. */
  zeroTool(tool: string): void;
}

export function operationMetrics(registers: Registry[]): OperationMetrics {
  const operations = new TallyHistogram({
    name: 'mcp_server_operation_duration_seconds',
    help: 'MCP request duration as observed on the server, from receipt until the result is sent (OpenTelemetry mcp.server.operation.duration).',
    labelNames: OPERATION_LABELS,
    buckets: OPERATION_DURATION_BUCKETS,
    registers,
  });
  const sessions = new TallyHistogram({
    name: 'mcp_server_session_duration_seconds',
    help: 'The lifetime of a 2025-era MCP session, from initialize to its end (OpenTelemetry mcp.server.session.duration).',
    labelNames: SESSION_LABELS,
    buckets: OPERATION_DURATION_BUCKETS,
    registers,
  });

  // Label values of the sample being recorded, in OPERATION_LABELS order: reused, not allocated.
  const scratch: string[] = new Array<string>(OPERATION_LABELS.length).fill('');
  return {
    operation(record) {
      const method = operationMethod(record.method);
      const isTool = method === 'tools/call';
      const tool = isTool ? (record.tool ?? OTHER) : '';
      const operationName = isTool ? 'execute_tool' : '';
      const prompt = method === 'prompts/get' ? (record.prompt ?? OTHER) : '';
      const rpcCode = record.rpcCode === undefined ? '' : String(record.rpcCode);
      const version = protocolVersionLabel(record.protocolVersion) ?? '';
      const http = record.transport === 'tcp';
      const protocolName = http ? 'http' : '';
      const errorType = record.errorType ?? '';
      const transport = record.transport;
      scratch[0] = method;
      scratch[1] = tool;
      scratch[2] = operationName;
      scratch[3] = prompt;
      scratch[4] = errorType;
      scratch[5] = rpcCode;
      scratch[6] = version;
      scratch[7] = transport;
      scratch[8] = protocolName;
      operations.record(scratch, record.seconds);
      const otel = otelInstruments();
      if (otel) {
        const attributes: Attributes = {
          'mcp.method.name': method,
          'network.transport': record.transport,
        };
        put(attributes, 'gen_ai.tool.name', tool);
        put(attributes, 'gen_ai.operation.name', operationName);
        put(attributes, 'gen_ai.prompt.name', prompt);
        put(attributes, 'error.type', errorType);
        put(attributes, 'rpc.response.status_code', rpcCode);
        put(attributes, 'mcp.protocol.version', version);
        put(attributes, 'network.protocol.name', protocolName);
        otel.operation.record(record.seconds, attributes);
      }
    },
    zeroTool(tool) {
      operations.zero({
        mcp_method_name: 'tools/call',
        gen_ai_tool_name: tool,
        gen_ai_operation_name: 'execute_tool',
        network_transport: 'tcp',
        network_protocol_name: 'http',
      });
    },
    sessionEnded(record) {
      const version = protocolVersionLabel(record.protocolVersion) ?? '';
      const protocolName = record.transport === 'tcp' ? 'http' : '';
      const errorType = record.errorType ?? '';
      sessions.record([version, record.transport, protocolName, errorType], record.seconds);
      const otel = otelInstruments();
      if (otel) {
        const attributes: Attributes = { 'network.transport': record.transport };
        put(attributes, 'mcp.protocol.version', version);
        put(attributes, 'network.protocol.name', protocolName);
        put(attributes, 'error.type', errorType);
        otel.session.record(record.seconds, attributes);
      }
    },
  };
}
