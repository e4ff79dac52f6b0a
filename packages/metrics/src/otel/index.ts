/**
 * Tracing: the span helpers (through `@opentelemetry/api`, a no-op until an SDK is registered)
 * and `startTracing`, the opt-in that registers one.
 *
 * Opt in by setting `OTEL_EXPORTER_OTLP_ENDPOINT` (e.g. `http://otel-collector:4318`) and
 * calling `await startTracing({ logger })` first thing in `main.ts`. It loads the OpenTelemetry
 * Node SDK and the OTLP/HTTP exporter on demand, so an app without the variable never loads
 * them, and an image without them installed starts anyway (with a warning).
 */
import { createRequire } from 'node:module';
import type { NodeTracerConfig } from '@opentelemetry/sdk-trace-node';

export type { McpSpanInput, StartedSpan, TraceCarrier } from './spans.js';
export { endMcpRequestSpan, endToolSpan, startMcpRequestSpan, startToolSpan } from './spans.js';
export {
  BAGGAGE_META_KEY,
  TRACEPARENT_META_KEY,
  TRACER_NAME,
  TRACESTATE_META_KEY,
  tracingEnabled,
} from './tracer.js';

export interface StartTracingOptions {
  /** `service.name` on every span. @default OTEL_SERVICE_NAME, else 'mcp-runway' */
  serviceName?: string;
  /** Where the variables are read. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface Tracing {
  /** False when no endpoint is configured or the SDK is not installed. */
  readonly enabled: boolean;
  /** Flushes the spans still buffered, then stops. Call it at shutdown. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * `@opentelemetry/resources` is a dependency of the SDK rather than of this package: resolve
 * it through the SDK, so the resource is built by the very copy the SDK uses.
 */
function loadResources():
  | {
      resourceFromAttributes(attributes: Record<string, string>): unknown;
      defaultResource(): { merge(other: unknown): unknown };
    }
  | undefined {
  try {
    const fromNode = createRequire(import.meta.resolve('@opentelemetry/sdk-trace-node'));
    const fromBase = createRequire(fromNode.resolve('@opentelemetry/sdk-trace-base'));
    return fromBase('@opentelemetry/resources');
  } catch {
    return undefined;
  }
}

/**
 * Registers the OpenTelemetry Node SDK with a batching OTLP/HTTP exporter, when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and
 * `OTEL_SDK_DISABLED` is not `true`. Also registers the W3C `traceparent`/`baggage`
 * propagator and an AsyncLocalStorage context manager, which is what makes spans nest.
 */
export async function startTracing(options: StartTracingOptions = {}): Promise<Tracing> {
  const env = options.env ?? process.env;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if ((!tracesEndpoint && !endpoint) || env.OTEL_SDK_DISABLED === 'true') return OFF;
  const url = tracesEndpoint || `${endpoint?.replace(/\/+$/, '')}/v1/traces`;

  let sdk: typeof import('@opentelemetry/sdk-trace-node');
  let exporter: typeof import('@opentelemetry/exporter-trace-otlp-http');
  try {
    [sdk, exporter] = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
    ]);
  } catch (error) {
    options.logger?.warn(
      { err: error },
      'tracing: OTEL_EXPORTER_OTLP_ENDPOINT is set, but @opentelemetry/sdk-trace-node and ' +
        '@opentelemetry/exporter-trace-otlp-http are not installed; tracing stays off',
    );
    return OFF;
  }

  const serviceName = options.serviceName ?? env.OTEL_SERVICE_NAME ?? 'mcp-runway';
  const resources = loadResources();
  const config: NodeTracerConfig = {
    spanProcessors: [
      new sdk.BatchSpanProcessor(
        new exporter.OTLPTraceExporter({ url }) as unknown as ConstructorParameters<
          typeof sdk.BatchSpanProcessor
        >[0],
      ),
    ],
  };
  if (resources) {
    config.resource = resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ 'service.name': serviceName })) as NonNullable<
      NodeTracerConfig['resource']
    >;
  } else {
    options.logger?.warn({}, 'tracing: @opentelemetry/resources not found; service.name is unset');
  }
  const provider = new sdk.NodeTracerProvider(config);
  provider.register();
  options.logger?.info({ url, serviceName }, 'tracing: exporting spans over OTLP/HTTP');
  return { enabled: true, shutdown: () => provider.shutdown() };
}
