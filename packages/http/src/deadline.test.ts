import { describe, expect, it } from 'vitest';
import { answerByDeadline } from './deadline.js';
import { createDrain } from './drain.js';

const encoder = new TextEncoder();

/** An SSE answer the test writes events to, and whose cancellation it can see. */
function sseAnswer() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  return {
    response,
    send: (data: unknown) =>
      controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(data)}\n\n`)),
    end: () => controller.close(),
    cancelled: () => cancelled,
  };
}

function dataLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
}

describe('answerByDeadline', () => {
  it('answers a call whose answer has not started by the deadline with 503 and a JSON-RPC error', async () => {
    const drain = createDrain();
    const never = new Promise<Response>(() => {});
    const answer = answerByDeadline(never, 7, drain);
    drain.expire();
    const response = await answer;
    expect(response.status).toBe(503);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: {
        code: -31503,
        message: 'Service unavailable: the server shut down before this request finished',
      },
    });
  });

  it('ends an SSE answer under way with an error event for the call, and cancels the rest', async () => {
    const drain = createDrain();
    const stream = sseAnswer();
    const response = await answerByDeadline(Promise.resolve(stream.response), 'call-1', drain);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    stream.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } });
    let text = decoder.decode((await reader.read()).value);
    drain.expire();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value);
    }
    expect(dataLines(text)).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } },
      expect.objectContaining({ id: 'call-1', error: expect.objectContaining({ code: -31503 }) }),
    ]);
    expect(stream.cancelled()).toBe(true);
  });

  it('passes answers on as they are when they end before the deadline', async () => {
    const drain = createDrain();
    const stream = sseAnswer();
    const response = await answerByDeadline(Promise.resolve(stream.response), 1, drain);
    stream.send({ jsonrpc: '2.0', id: 1, result: {} });
    stream.end();
    expect(dataLines(await response.text())).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    drain.expire();
    const json = Response.json({ jsonrpc: '2.0', id: 2, result: {} });
    expect(await answerByDeadline(Promise.resolve(json), 2, drain)).toBe(json);
  });

  it('leaves a notification (no id) to its handler', async () => {
    const drain = createDrain();
    const accepted = new Response(null, { status: 202 });
    drain.expire();
    expect(await answerByDeadline(Promise.resolve(accepted), undefined, drain)).toBe(accepted);
  });
});
