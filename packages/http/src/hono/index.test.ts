/** The Hono mcpPost adapter: the era comes from the SDK's classifier, protocol headers included. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { mcpPost, type PipelineEnv } from './index.js';

const app = new Hono<PipelineEnv>();
app.post('/mcp', mcpPost({ maxBodyBytes: 1024 }), (c) => c.json({ era: c.get('mcp')?.era }));

const post = (headers: Record<string, string>) =>
  app.request('/mcp', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });

describe('hono mcpPost', () => {
  it('stores the era the SDK routes with, reading the protocol headers', async () => {
    expect(await (await post({})).json()).toEqual({ era: 'legacy' });
    // No `_meta` envelope, but a modern header: the modern handler's refusal, not a 2025 request.
    const modern = await post({ 'mcp-protocol-version': '2026-07-28' });
    expect(await modern.json()).toEqual({ era: 'modern' });
  });
});
