/**
 * The audit trail on Lambda, with EMF off (the tool calls are instrumented for the audit
 * alone): one record per tool call, the refusal of a bad key, no key or argument value.
 */
import { Writable } from 'node:stream';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { createAuditLog, hashArguments } from '@mcp-runway/logging';
import { fixtureServerModule as server } from '@mcp-runway/testing/fixture-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from './app.js';
import { createHandlers } from './handler.js';
import { API_GATEWAY_HOST, lambdaContext, lambdaEvent, testEnv } from './test/events.js';

const key = mintApiKey();
const ARGUMENT = 'recognisable-argument-value-9e2b';
const chunks: string[] = [];
const audit = createAuditLog({
  stream: new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }),
});
const handlers = createHandlers(() =>
  createLambdaRuntime(
    { ...testEnv, AUTH_MODE: 'apikey', API_KEYS: `lambda-caller::${hashApiKey(key)}` },
    { server, emf: false, audit },
  ),
);
afterAll(async () => (await handlers.runtime()).close());

const call = (credential: string, args: Record<string, unknown>) =>
  handlers.handler(
    lambdaEvent('api-gateway-v2', {
      host: API_GATEWAY_HOST,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'echo',
          arguments: args,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
      headers: {
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'echo',
        authorization: `Bearer ${credential}`,
      },
    }),
    lambdaContext(),
  );

describe('the audit trail on Lambda', () => {
  it('records each tool call once and a refused key, with no secret or argument value', async () => {
    const args = { text: ARGUMENT };
    expect((await call(key, args)).statusCode).toBe(200);
    expect((await call(`${key.slice(0, -4)}zzzz`, args)).statusCode).toBe(401);
    const text = chunks.join('');
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const calls = records.filter((r) => r.event === 'tool_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      tool: 'echo',
      outcome: 'ok',
      principal: 'lambda-caller',
      argsHash: hashArguments(args),
    });
    expect(records.filter((r) => r.event === 'auth').map((r) => r.outcome)).toEqual([
      'accepted',
      'refused',
    ]);
    expect(text).not.toContain(ARGUMENT);
    expect(text).not.toContain(key);
    expect(text).not.toContain('zzzz');
  });
});
