/**
 * What a call still running at the shutdown deadline gets: a JSON-RPC error carrying its id,
 * instead of a connection cut under it. Framework-neutral: it wraps the web Response an MCP
 * handler returns (Hono hands it on as it is, Express writes it with the node bridge).
 */
import { type JsonRpcId, ServiceUnavailableError, toErrorResponse } from '@mcp-runway/errors';
import type { Drain } from './drain.js';

const encoder = new TextEncoder();

function shutdownError(id: JsonRpcId) {
  return toErrorResponse(
    new ServiceUnavailableError(
      'Service unavailable: the server shut down before this request finished',
      { headers: { 'Retry-After': '1', Connection: 'close' } },
    ),
    id,
  );
}

/**
 * Who waits on a drain's deadline, one set per signal with one listener on it: adding and
 * removing a listener on an AbortSignal for every request costs several times a Set's add and
 * delete, and every MCP request waits on the deadline while it runs.
 */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();
function subscribers(signal: AbortSignal): Set<() => void> {
  let set = waiting.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    set = created;
    waiting.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const fn of created) fn();
        created.clear();
      },
      { once: true },
    );
  }
  return set;
}

/**
 * An SSE answer that ends with an error event for `id` if the deadline passes first. The
 * handler writes whole events, one a chunk, so the error event never splits one of them.
 */
function endsByDeadline(
  body: ReadableStream<Uint8Array>,
  id: JsonRpcId,
  deadline: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let onDeadline = (): void => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      onDeadline = () => {
        const event = `event: message\ndata: ${JSON.stringify(shutdownError(id).body)}\n\n`;
        controller.enqueue(encoder.encode(event));
        controller.close();
        reader.cancel().catch(() => {});
      };
      if (deadline.aborted) onDeadline();
      else deadline.addEventListener('abort', onDeadline, { once: true });
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (deadline.aborted) return; // closed with the error event meanwhile
        if (!done) {
          controller.enqueue(value);
          return;
        }
        deadline.removeEventListener('abort', onDeadline);
        controller.close();
      } catch (error) {
        deadline.removeEventListener('abort', onDeadline);
        if (!deadline.aborted) controller.error(error);
      }
    },
    cancel(reason) {
      deadline.removeEventListener('abort', onDeadline);
      return reader.cancel(reason);
    },
  });
}

/**
 * Passes on the MCP handler's answer to the request `id`, unless the drain's deadline
 * (SHUTDOWN_TIMEOUT_MS after SIGTERM) passes first: then an answer not started yet is a 503
 * with a JSON-RPC error (-31503, `Connection: close`), and an SSE stream under way ends with an
 * error event for `id`. Either way the handler's work is cancelled, and the client learns why
 * its call ended (it may have partly run). Notifications and responses (no id) pass as they are.
 */
export async function answerByDeadline(
  answer: Promise<Response>,
  id: JsonRpcId | undefined,
  drain: Pick<Drain, 'deadline'>,
): Promise<Response> {
  const { deadline } = drain;
  if (id === undefined) return answer;
  const response = await new Promise<Response | undefined>((resolve, reject) => {
    if (deadline.aborted) {
      // Past the deadline already: an answer that is ready still goes out (it settles first).
      answer.then(resolve, reject);
      queueMicrotask(() => resolve(undefined));
      return;
    }
    const waiters = subscribers(deadline);
    const onDeadline = () => resolve(undefined);
    waiters.add(onDeadline);
    answer.then(
      (value) => {
        waiters.delete(onDeadline);
        resolve(value);
      },
      (error: unknown) => {
        waiters.delete(onDeadline);
        reject(error);
      },
    );
  });
  if (response === undefined) {
    answer
      .then(
        (late) => late.body?.cancel(),
        () => {},
      )
      .catch(() => {});
    const { httpStatus, headers, body } = shutdownError(id);
    return Response.json(body, { status: httpStatus, headers });
  }
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream');
  if (!isStream || !response.body) return response;
  return new Response(endsByDeadline(response.body, id, deadline), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
