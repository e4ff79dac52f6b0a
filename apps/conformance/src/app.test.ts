import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createLogger } from '@mcp-runway/logging';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

const logger = createLogger({ name: 'conformance-test', level: 'silent' });
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'edge-test', version: '1.0.0' },
  },
};

function post(headers: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(initialize),
  };
}

describe('conformance app edge, in process', () => {
  const { app } = createApp({ logger });

  it('serves a POST whose Host is a local name', async () => {
    const res = await app.request('/mcp', post({ host: '127.0.0.1:3001' }));
    expect(res.status).toBe(200);
  });

  it('refuses a Host that is not a local name (DNS rebinding) with a JSON-RPC 403', async () => {
    const res = await app.request('/mcp', post({ host: 'evil.example.com' }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -31403 } });
  });

  it('refuses a browser Origin from another site', async () => {
    const res = await app.request(
      '/mcp',
      post({ host: 'localhost', origin: 'https://evil.example.com' }),
    );
    expect(res.status).toBe(403);
  });

  for (const method of ['GET', 'DELETE']) {
    it(`answers ${method} with 405, Allow: POST and a JSON-RPC error body`, async () => {
      const res = await app.request('/mcp', { method, headers: { host: 'localhost' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -31405 } });
    });
  }

  it('answers an unknown path with a JSON-RPC 404', async () => {
    const res = await app.request('/nope', { headers: { host: 'localhost' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: -31404 } });
  });
});

const eras = [
  { era: 'legacy', label: '2025-11-25 client (initialize)', options: {} },
  {
    era: 'modern',
    label: '2026-07-28 client (server/discover)',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

describe('conformance server over a real socket', () => {
  const { app, handler } = createApp({ logger });
  let server: Server;
  let url: URL;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
        url = new URL(`http://127.0.0.1:${info.port}/mcp`);
        resolve();
      }) as Server;
    });
  });
  afterAll(async () => {
    await handler.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const { era, label, options } of eras) {
    describe(`with the SDK's ${label}`, () => {
      const client = new Client(
        { name: 'conformance-app-test', version: '1.0.0' },
        { ...options, capabilities: { elicitation: { form: {} }, sampling: {} } },
      );
      beforeAll(async () => {
        client.setRequestHandler('elicitation/create', async () => ({
          action: 'accept',
          content: { name: 'Ada', ok: true },
        }));
        client.setRequestHandler('sampling/createMessage', async () => ({
          role: 'assistant',
          model: 'test-model',
          content: { type: 'text', text: 'Paris' },
        }));
        await client.connect(new StreamableHTTPClientTransport(url));
      });
      afterAll(() => client.close());

      it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));

      it('calls a tool and gets its text', async () => {
        const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
        expect(result.content).toEqual([
          { type: 'text', text: 'This is a simple text response for testing.' },
        ]);
      });

      it('receives progress from a long-running tool', async () => {
        const seen: number[] = [];
        await client.callTool(
          { name: 'test_tool_with_progress', arguments: {} },
          { onprogress: ({ progress }) => seen.push(progress) },
        );
        expect(seen).toEqual([0, 50, 100]);
      });

      it('reads a templated resource', async () => {
        const { contents } = await client.readResource({ uri: 'test://template/42/data' });
        expect(
          JSON.parse(String(contents[0] && 'text' in contents[0] && contents[0].text)),
        ).toEqual({ id: '42', templateTest: true, data: 'Data for ID: 42' });
      });

      it('completes a prompt argument and renders the prompt', async () => {
        const ref = { type: 'ref/prompt', name: 'test_prompt_with_arguments' } as const;
        const { completion } = await client.complete({
          ref,
          argument: { name: 'arg1', value: 'pa' },
        });
        expect(completion.values).toEqual(['paris', 'park', 'party']);
        const prompt = await client.getPrompt({
          name: 'test_prompt_with_arguments',
          arguments: { arg1: 'hello', arg2: 'world' },
        });
        expect(prompt.messages[0]?.content).toEqual({
          type: 'text',
          text: "Prompt with arguments: arg1='hello', arg2='world'",
        });
      });
    });
  }

  describe('input the server needs from the client', () => {
    it('completes a 2026-07-28 input_required flow, sealed requestState included', async () => {
      const client = new Client(
        { name: 'mrtr-test', version: '1.0.0' },
        {
          versionNegotiation: { mode: { pin: '2026-07-28' } },
          capabilities: { elicitation: { form: {} } },
        },
      );
      client.setRequestHandler('elicitation/create', async () => ({
        action: 'accept',
        content: { name: 'Ada', ok: true },
      }));
      await client.connect(new StreamableHTTPClientTransport(url));
      const hello = await client.callTool({ name: 'test_input_required_result_elicitation' });
      expect(hello.content).toEqual([{ type: 'text', text: 'Hello, Ada!' }]);
      const sealed = await client.callTool({ name: 'test_input_required_result_request_state' });
      expect(JSON.stringify(sealed.content)).toContain('state-ok');
      await client.close();
    });

    it('tells a 2025 client that stateless HTTP cannot carry its sampling answer back', async () => {
      const client = new Client(
        { name: 'legacy-sampling-test', version: '1.0.0' },
        { capabilities: { sampling: {} } },
      );
      let asked = false;
      client.setRequestHandler('sampling/createMessage', async () => {
        asked = true;
        return { role: 'assistant', model: 'test-model', content: { type: 'text', text: 'Paris' } };
      });
      await client.connect(new StreamableHTTPClientTransport(url));
      const result = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Hi' } });
      expect(asked).toBe(true);
      expect(JSON.stringify(result.content)).toContain('got no answer');
      await client.close();
    });
  });
});
