/**
 * The tracer, and whether tracing is on at all. Everything goes through `@opentelemetry/api`,
 * which is a no-op until an SDK registers a provider (`startTracing()`).
 */
import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  type Span,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

/**
 * `_meta` keys of W3C Trace Context (SEP-414, MCP 2026-07-28): unprefixed, unlike other `_meta`
 * keys. The same strings as the SDK's `TRACEPARENT_META_KEY`, `TRACESTATE_META_KEY` and
 * `BAGGAGE_META_KEY` (@modelcontextprotocol/server 2.4.0), and as the HTTP header names.
 */
export const TRACEPARENT_META_KEY = 'traceparent';
export const TRACESTATE_META_KEY = 'tracestate';
export const BAGGAGE_META_KEY = 'baggage';

export const TRACER_NAME = '@mcp-runway/metrics';

/** What the API's provider delegates to while no SDK is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK is registered. While none is, the span helpers return at once: no header is
 * read, no span object made (the API's own no-op path would still cost about 0.4 µs a span).
 */
export function tracingEnabled(): boolean {
  const current = trace.getTracerProvider();
  // A provider registered through another copy of the API is not our ProxyTracerProvider.
  return !(current instanceof ProxyTracerProvider) || current.getDelegate() !== NOOP_PROVIDER;
}

/** The span the helpers hand out while tracing is off: `end()` and the rest do nothing. */
export const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

let provider: TracerProvider | undefined;
let cached: Tracer | undefined;

/**
 * The tracer of the provider registered now. Not fetched once at load: the Node SDK is
 * CommonJS and loads the API's CommonJS build, this ESM package its ESM build, and a tracer
 * taken from one copy before the SDK registers through the other would stay a no-op forever.
 */
export function tracer(): Tracer {
  const current = trace.getTracerProvider();
  if (current !== provider || cached === undefined) {
    provider = current;
    cached = current.getTracer(TRACER_NAME);
  }
  return cached;
}
