// The SDK with the two wins the pipeline also uses (a pre-parsed body and pooled server
// instances) and nothing else: the honest baseline for what the pipeline itself costs.
import { serve } from '@hono/node-server';
import { pooledServerFactory } from '@mcp-runway/http';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import { announce, createEchoServer } from '../echo-server.mjs';

const mcp = createMcpHandler(pooledServerFactory(createEchoServer));
const app = new Hono();
app.post('/mcp', async (c) => mcp.fetch(c.req.raw, { parsedBody: await c.req.json() }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => announce(server));
