// The trivial tool every benchmark target serves: `echo` returns its text argument.
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

const inputSchema = z.object({ text: z.string() }); // built once, as the example server does

export function createEchoServer(decorate) {
  const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
  decorate?.(server);
  server.registerTool(
    'echo',
    { description: 'Echo the text back', inputSchema },
    async ({ text }) => ({
      content: [{ type: 'text', text: `echo:${text}` }],
    }),
  );
  return server;
}

export const ECHO_REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text: 'hi' },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});

export const ECHO_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};

/** Every response must be a successful echo result; anything else counts as a mismatch. */
export function isEchoResult(body) {
  return body.includes('"echo:hi"') && body.includes('"result"') && !body.includes('"error"');
}

/** Tells the parent process which port the target listens on. */
export function announce(server) {
  // Exit cleanly on SIGINT so `node --cpu-prof` can write its profile.
  process.once('SIGINT', () => process.exit(0));
  // CPU time on request (bench/profile.mjs, bench/redis.mjs): per-request cost, steadier than
  // req/s on a busy machine.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.send?.({ port: server.address().port });
}

/** The echo server as a ServerModule, the shape createApp mounts (as it mounts serverModule). */
export const echoModule = {
  info: { name: 'bench-echo', version: '1.0.0' },
  toolNames: ['echo'],
  toolPolicies: { echo: { scopes: [], cost: 1 } },
  createServerFactory({ decorate } = {}) {
    return () => createEchoServer(decorate);
  },
};
