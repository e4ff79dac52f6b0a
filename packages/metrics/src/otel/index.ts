/**
 * OpenTelemetry: the span helpers (through `@opentelemetry/api`, a no-op until an SDK is
 * registered) and `startTelemetry`, the opt-in that registers the SDKs.
 *
 * Opt in by setting `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g. `http://otel-collector:4318`) and
 * calling `await startTelemetry({ logger })` first thing in `main.ts`: spans go to
 * `/v1/traces`, and the MCP metrics (`mcp.server.operation.duration`,
 * `mcp.server.session.duration`) to `/v1/metrics`, both OTLP/HTTP with JSON encoding. The SDKs
 * and exporters load on demand, so an app without the variable never loads them, and an image
 * without them installed starts anyway (with a warning).
 */
import { createRequire } from 'node:module';
import { metrics } from '@opentelemetry/api';
import type { MeterProviderOptions } from '@opentelemetry/sdk-metrics';
import type { NodeTracerConfig } from '@opentelemetry/sdk-trace-node';

export type { ConnectionFacts, McpSpanInput, StartedSpan, TraceCarrier } from './spans.js';
export { endMcpRequestSpan, endToolSpan, startMcpRequestSpan, startToolSpan } from './spans.js';
export {
  BAGGAGE_META_KEY,
  TRACEPARENT_META_KEY,
  TRACER_NAME,
  TRACESTATE_META_KEY,
  tracingEnabled,
} from './tracer.js';

export interface StartTelemetryOptions {
  /** `service.name` of every span and metric. @default OTEL_SERVICE_NAME, else 'mcp-runway' */
  serviceName?: string;
  /** Where the variables are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}
/** @deprecated the old name of {@link StartTelemetryOptions} */
export type StartTracingOptions = StartTelemetryOptions;

export interface Telemetry {
  /** Spans are exported: false when no endpoint is configured or the SDK is not installed. */
  readonly enabled: boolean;
  /** Metrics are exported over OTLP too (Prometheus serves them either way). */
  readonly metrics: boolean;
  /** Flushes the spans and metrics still buffered, then stops. Call it at shutdown. */
  shutdown(): Promise<void>;
}
/** @deprecated the old name of {@link Telemetry} */
export type Tracing = Telemetry;

type Resources = {
  resourceFromAttributes(attributes: Record<string, string>): unknown;
  defaultResource(): { merge(other: unknown): unknown };
};

/**
 * `@opentelemetry/resources` is a dependency of each SDK rather than of this package: resolve
 * it through the SDK, so the resource is built by the very copy that SDK uses.
 */
function loadResources(from: string[]): Resources | undefined {
  try {
    let require = createRequire(import.meta.resolve(from[0] as string));
    for (const next of from.slice(1)) require = createRequire(require.resolve(next));
    return require('@opentelemetry/resources');
  } catch {
    return undefined;
  }
}

function resourceOf(resources: Resources | undefined, serviceName: string): unknown {
  return resources
    ?.defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': serviceName }));
}

type Logger = StartTelemetryOptions['logger'];

function endpointOf(
  env: Readonly<Record<string, string | undefined>>,
  signal: 'TRACES' | 'METRICS',
): string | undefined {
  const own =
    signal === 'TRACES'
      ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
      : env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/${signal.toLowerCase()}` : undefined;
}

async function startTraces(url: string, serviceName: string, logger: Logger) {
  let sdk: typeof import('@opentelemetry/sdk-trace-node');
  let exporter: typeof import('@opentelemetry/exporter-trace-otlp-http');
  try {
    [sdk, exporter] = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
    ]);
  } catch (error) {
    logger?.warn(
      { err: error },
      'tracing: OTEL_EXPORTER_OTLP_ENDPOINT is set, but @opentelemetry/sdk-trace-node and ' +
        '@opentelemetry/exporter-trace-otlp-http are not installed; tracing stays off',
    );
    return undefined;
  }
  const config: NodeTracerConfig = {
    spanProcessors: [
      new sdk.BatchSpanProcessor(
        new exporter.OTLPTraceExporter({ url }) as unknown as ConstructorParameters<
          typeof sdk.BatchSpanProcessor
        >[0],
      ),
    ],
  };
  const resource = resourceOf(
    loadResources(['@opentelemetry/sdk-trace-node', '@opentelemetry/sdk-trace-base']),
    serviceName,
  );
  if (resource) config.resource = resource as NonNullable<NodeTracerConfig['resource']>;
  else logger?.warn({}, 'tracing: @opentelemetry/resources not found; service.name is unset');
  const provider = new sdk.NodeTracerProvider(config);
  provider.register();
  logger?.info({ url, serviceName }, 'tracing: exporting spans over OTLP/HTTP');
  return provider;
}

async function startMetrics(url: string, serviceName: string, intervalMs: number, logger: Logger) {
  let sdk: typeof import('@opentelemetry/sdk-metrics');
  let exporter: typeof import('@opentelemetry/exporter-metrics-otlp-http');
  try {
    [sdk, exporter] = await Promise.all([
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
  } catch (error) {
    logger?.warn(
      { err: error },
      'metrics: OTEL_EXPORTER_OTLP_ENDPOINT is set, but @opentelemetry/sdk-metrics and ' +
        '@opentelemetry/exporter-metrics-otlp-http are not installed; OTLP metrics stay off',
    );
    return undefined;
  }
  const options: MeterProviderOptions = {
    readers: [
      new sdk.PeriodicExportingMetricReader({
        exporter: new exporter.OTLPMetricExporter({ url }),
        exportIntervalMillis: intervalMs,
        exportTimeoutMillis: Math.min(30_000, intervalMs),
      }),
    ],
  };
  const resource = resourceOf(loadResources(['@opentelemetry/sdk-metrics']), serviceName);
  if (resource) options.resource = resource as NonNullable<MeterProviderOptions['resource']>;
  const provider = new sdk.MeterProvider(options);
  metrics.setGlobalMeterProvider(provider);
  logger?.info({ url, serviceName, intervalMs }, 'metrics: exporting over OTLP/HTTP');
  return provider;
}

const OFF: Telemetry = { enabled: false, metrics: false, shutdown: async () => {} };

/**
 * Registers the OpenTelemetry SDKs with OTLP/HTTP exporters when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (or the per-signal `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `_METRICS_ENDPOINT`) is set and
 * `OTEL_SDK_DISABLED` is not `true`:
 * - traces: a batching span processor, the W3C `traceparent`/`baggage` propagator and an
 *   AsyncLocalStorage context manager (what makes spans nest);
 * - metrics: a MeterProvider read every `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60000) into
 *   which the MCP histograms record next to Prometheus.
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED === 'true') return OFF;
  const tracesUrl = endpointOf(env, 'TRACES');
  const metricsUrl = endpointOf(env, 'METRICS');
  if (!tracesUrl && !metricsUrl) return OFF;
  const serviceName = options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'mcp-runway';
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  const intervalMs = Number.isFinite(interval) && interval > 0 ? interval : 60_000;
  const [tracer, meter] = await Promise.all([
    tracesUrl ? startTraces(tracesUrl, serviceName, options.logger) : undefined,
    metricsUrl ? startMetrics(metricsUrl, serviceName, intervalMs, options.logger) : undefined,
  ]);
  return {
    enabled: tracer !== undefined,
    metrics: meter !== undefined,
    async shutdown() {
      await Promise.all([tracer?.shutdown(), meter?.shutdown()]);
    },
  };
}

/** @deprecated the old name of {@link startTelemetry}, which now exports metrics as well. */
export const startTracing: (options?: StartTelemetryOptions) => Promise<Telemetry> = startTelemetry;
