/**
 * `fetch` implementations for the official SDK client that turn each HTTP request into a
 * Lambda event and call a handler in process, the way API Gateway or a Function URL would.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { BufferedHandler } from '../handler.js';
import { type Chunk, TestResponseStream } from './awslambda.js';
import { lambdaContext, lambdaEvent } from './events.js';

type Kind = 'api-gateway-v2' | 'function-url';
type StreamingHandler = (
  event: APIGatewayProxyEventV2,
  stream: TestResponseStream,
  context: Context,
) => Promise<void>;

const NULL_BODY = new Set([101, 204, 205, 304]);

async function toEvent(kind: Kind, input: Parameters<typeof fetch>[0], init?: RequestInit) {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.text();
  const event = lambdaEvent(kind, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    host: url.host,
    ...(body ? { body } : {}),
  });
  event.rawPath = url.pathname;
  event.rawQueryString = url.search.slice(1);
  event.requestContext.http.path = url.pathname;
  return event;
}

export function bufferedFetch(handler: BufferedHandler, kind: Kind): typeof fetch {
  return async (input, init) => {
    const result = await handler(await toEvent(kind, input, init), lambdaContext());
    const status = result.statusCode ?? 200;
    const body = result.isBase64Encoded
      ? Buffer.from(result.body ?? '', 'base64')
      : (result.body ?? '');
    return new Response(NULL_BODY.has(status) ? null : body, {
      status,
      headers: result.headers as Record<string, string>,
    });
  };
}

/**
 * A Function URL in RESPONSE_STREAM mode: the response starts when the prelude is written and
 * each later chunk reaches the client as it is written.
 */
export function streamingFetch(
  handler: StreamingHandler,
  kind: Kind,
  onChunk?: (chunk: Chunk) => void,
): typeof fetch {
  return async (input, init) => {
    const event = await toEvent(kind, input, init);
    return new Promise<Response>((resolve, reject) => {
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      let closed = false;
      const body = new ReadableStream<Uint8Array>({
        start: (c) => {
          controller = c;
        },
        cancel: () => {
          closed = true;
        },
      });
      let seen = 0;
      const stream = new TestResponseStream((chunk) => {
        seen += 1;
        if (seen === 1) {
          const prelude = JSON.parse(chunk.data.toString()) as {
            statusCode: number;
            headers: Record<string, string>;
          };
          const status = prelude.statusCode;
          resolve(
            new Response(NULL_BODY.has(status) ? null : body, {
              status,
              headers: prelude.headers,
            }),
          );
          return;
        }
        if (seen === 2) return; // the 8-byte delimiter
        onChunk?.(chunk);
        if (!closed) controller.enqueue(new Uint8Array(chunk.data));
      });
      init?.signal?.addEventListener('abort', () => {
        if (!closed) controller.error(init.signal?.reason);
        closed = true;
      });
      handler(event, stream, lambdaContext()).then(
        () => {
          if (!closed) controller.close();
          closed = true;
        },
        (error: unknown) => {
          reject(error);
          if (!closed) controller.error(error);
          closed = true;
        },
      );
    });
  };
}
