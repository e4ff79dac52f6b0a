import {
  badInputCases,
  type Case,
  initializeWith,
  JSON_HEADERS,
  modern,
  nested,
  type Reply,
  send as sendTo,
} from '@mcp-runway/testing/bad-input';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

/** A 2026-07-28 `echo` call whose `text` argument is `inner` (JSON text). */
const echoWith = (inner: string) => {
  const request = modern('tools/call', { name: 'echo' }, { 'mcp-name': 'echo' });
  return {
    headers: request.headers,
    body: request.body.replace('"name":"echo"', `"name":"echo","arguments":{"text":${inner}}`),
  };
};

// The app mounts the pipeline fixture server (startApp's default): `echo` takes { text }.
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ BODY_LIMIT: '4kb' });
});
afterAll(() => app.close());

/** Sends exactly these bytes and headers (fetch would refuse a forged Host or fix up the body). */
function send(testCase: Case, to: RunningApp = app): Promise<Reply> {
  return sendTo(new URL(to.url), testCase);
}

// The shared table (it names no tool), then what needs the fixture server's `echo`.
const cases: Case[] = [
  ...badInputCases,
  {
    name: 'invalid tool arguments',
    ...modern('tools/call', { name: 'echo', arguments: { text: 5 } }, { 'mcp-name': 'echo' }),
    status: 200,
    code: null,
    check: (reply) => expect(reply.body.result).toMatchObject({ isError: true }),
  },
];

describe('bad input to the MCP endpoint', () => {
  it.each(cases)('answers $name with $status and code $code', async (testCase) => {
    const reply = await send(testCase);
    expect(reply.status).toBe(testCase.status);
    if (testCase.code === null) expect(reply.body.error).toBeUndefined();
    else expect(reply.body.error?.code).toBe(testCase.code);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    testCase.check?.(reply);
  });

  it('still serves a normal call after all of that', async () => {
    const reply = await send({
      name: 'normal',
      ...modern(
        'tools/call',
        { name: 'echo', arguments: { text: 'proxy' } },
        { 'mcp-name': 'echo' },
      ),
      status: 200,
      code: null,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.result?.structuredContent).toEqual({ text: 'proxy' });
  });
});

describe('deeply nested JSON (100,000 nested arrays, under the default 1 MB limit)', () => {
  // JSON.parse builds such a value; JSON.stringify (and a zod walk) overflow the stack on it.
  const deep = nested(100_000);
  let roomy: RunningApp;
  beforeAll(async () => {
    roomy = await startApp();
  });
  afterAll(() => roomy.close());

  const errorLines = () =>
    roomy
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; msg: string })
      .filter((line) => line.level === 'error' || line.level === 'fatal');

  it.each([
    ['a 2025 initialize', { headers: JSON_HEADERS, body: initializeWith(deep) }],
    ['a 2026-07-28 tools/call', echoWith(deep)],
  ])('answers %s with 400 -32700, logs no error and keeps serving', async (_, request) => {
    const reply = await send({ name: 'deep', ...request, status: 400, code: -32700 }, roomy);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe(-32700);
    expect(errorLines()).toEqual([]);
    const next = await send({ name: 'after', ...echoWith('"hi"'), status: 200, code: null }, roomy);
    expect(next.body.result?.structuredContent).toEqual({ text: 'hi' });
  });
});
