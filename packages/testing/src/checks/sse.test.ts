import { describe, expect, it } from 'vitest';
import { expectFailure, runCheck } from '../test/run-check.js';

describe('sse', () => {
  it('fails SSE that nginx would buffer (no X-Accel-Buffering, no Cache-Control, a length)', async () => {
    expectFailure(
      await runCheck('sse', { faults: ['sse-buffered'] }),
      'the initialize answer: Cache-Control should be no-cache, got none',
      'the initialize answer: X-Accel-Buffering should be "no", got none',
      'the initialize answer: a stream should have no Content-Length',
      'the session GET stream: X-Accel-Buffering should be "no", got none',
    );
  });

  it('is n/a when nothing streams, listing what it tried', async () => {
    const result = await runCheck('sse', { json: true, sessions: false });
    expect(result.status).toBe('n/a');
    expect(result.details[0]).toBe(
      'n/a: nothing answered with text/event-stream (initialize, no streamingTool given)',
    );
  });

  it('streams a named tool call with a progress token when nothing else streams', async () => {
    const result = await runCheck(
      'sse',
      { json: true, sessions: false, faults: ['sse-buffered'] },
      { streamingTool: { name: 'count' } },
    );
    expectFailure(result, 'the 2026-07-28 count call: X-Accel-Buffering should be "no"');
  });
});
