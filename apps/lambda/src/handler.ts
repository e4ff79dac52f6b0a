/**
 * The Lambda entry points. Both serve the same app, built once per execution environment on
 * the first invocation and reused by every later one.
 *
 * - `handler`: buffered. For API Gateway HTTP API (payload format 2.0) or a Function URL in
 *   BUFFERED mode. The whole response (an SSE stream included) is collected, then returned.
 *   API Gateway HTTP API stops waiting after 30 s (REST APIs after 29 s by default), and
 *   progress notifications arrive together with the result, at the end.
 * - `streamingHandler`: for a Function URL with `InvokeMode: RESPONSE_STREAM`. Bytes reach the
 *   client as the SDK writes them, so progress notifications arrive while a tool runs.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  Handler,
} from 'aws-lambda';
import { defaultIsContentTypeBinary, handle, streamHandle } from 'hono/aws-lambda';
import { createLambdaRuntime, type LambdaRuntime } from './app.js';

/**
 * Hono base64-encodes any content type it does not know as text, `text/event-stream` included.
 * API Gateway would decode it again, but the payload grows by a third (against the 6 MB limit)
 * and the logged result is unreadable; MCP's SSE and JSON bodies are UTF-8 text.
 */
export function isContentTypeBinary(contentType: string): boolean {
  if (/^text\/event-stream\s*(?:;|$)/i.test(contentType)) return false;
  return defaultIsContentTypeBinary(contentType);
}

/**
 * The buffered entry point, typed with @types/aws-lambda (what AWS tooling uses). Hono's own
 * event type marks `body` as required; a bodiless event (GET) is handled all the same.
 */
export type BufferedHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LambdaHandlers {
  handler: BufferedHandler;
  streamingHandler: Handler;
}

/**
 * Builds both handlers around a runtime that is created lazily, once: the first invocation
 * pays for it (or the init phase, if something awaits `init` at module scope), later ones reuse
 * it. A failed init is not cached, so the next invocation tries again.
 */
export function createHandlers(init: () => Promise<LambdaRuntime>): LambdaHandlers & {
  runtime: () => Promise<LambdaRuntime>;
} {
  let pending: Promise<LambdaRuntime> | undefined;
  const runtime = () => {
    pending ??= init().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  // A synchronous front app, so `handle`/`streamHandle` can wrap it at module scope while the
  // real one is built on first use.
  const front = {
    fetch: async (request: Request, env: unknown) => (await runtime()).fetch(request, env),
  } as unknown as Parameters<typeof handle>[0];
  return {
    runtime,
    handler: handle(front, { isContentTypeBinary }) as BufferedHandler,
    // `streamHandle` calls the runtime's `awslambda.streamifyResponse` global, which exists only
    // inside the Lambda Node.js runtime (and in tests that install a shim of it).
    streamingHandler:
      typeof globalThis.awslambda?.streamifyResponse === 'function'
        ? streamHandle(front)
        : () => {
            throw new Error(
              'streamingHandler needs the AWS Lambda Node.js runtime (awslambda.streamifyResponse)',
            );
          },
  };
}

const handlers = createHandlers(() => createLambdaRuntime(process.env));

/** API Gateway HTTP API (payload 2.0) or a BUFFERED Function URL. */
export const handler = handlers.handler;
/** A Function URL with InvokeMode RESPONSE_STREAM. */
export const streamingHandler = handlers.streamingHandler;
