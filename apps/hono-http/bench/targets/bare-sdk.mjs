// The SDK alone: Hono on @hono/node-server with createMcpHandler and nothing in front of it.
import { serve } from '@hono/node-server';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { announce, createEchoServer } from '../echo-server.mjs';

const mcp = createMcpHandler(() => createEchoServer());
const app = new Hono();
app.post('/mcp', (c) => mcp.fetch(c.req.raw));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => announce(server));
