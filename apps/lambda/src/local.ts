#!/usr/bin/env node
/**
 * The function's app on your machine: the same runtime Lambda builds (pipeline, server,
 * config), behind a plain Node listener on loopback, so `pnpm start` and the MCP Inspector
 * work without AWS. Not a Lambda emulator: no event translation, no response-streaming shim
 * (use `sam local start-api` for those); the app is what is under test.
 *
 * Lambda's configuration is a public bind (HOST=0.0.0.0 is fixed), so here the loopback names
 * are the allowed hosts and an open server is allowed unless the environment says otherwise.
 */
import { serve } from '@hono/node-server';
import { onShutdownSignals } from '@mcp-runway/http/node';
import { createLambdaRuntime } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const runtime = await createLambdaRuntime(
  {
    ALLOWED_HOSTS: 'localhost,127.0.0.1',
    ALLOW_UNAUTHENTICATED: 'true',
    ...process.env,
  },
  { emf: false },
);
const server = serve({ fetch: runtime.app.fetch, hostname: '127.0.0.1', port }, (address) =>
  runtime.logger.info({ address, mcpPath: runtime.config.MCP_PATH }, 'listening'),
);

// Ctrl-C: close and exit 0. The copy of it a runner forwards (pnpm, tsx watch) within a second
// is the same request; a signal after that exits at once.
onShutdownSignals({
  first: () => {
    server.close();
    void runtime.close().then(() => process.exit(0));
  },
  again: () => process.exit(1),
});
