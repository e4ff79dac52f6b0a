/**
 * A registry behind a real loopback node:http server, as an app would mount it: the body
 * parsed first, the principal from auth (here a test header), RunwayErrors rendered with
 * `toErrorResponse`. Two of these sharing Redis are "instance A" and "instance B". Sessions
 * serve the pipeline fixture server (echo, slow, fixture_write, fail, whoami), not the
 * example, so replacing the example's tools leaves these tests alone.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toErrorResponse } from '@mcp-runway/errors';
import { FIXTURE_WRITE_SCOPE, fixtureServerModule } from '@mcp-runway/testing/fixture-server';
import type { AuthInfo, McpServer } from '@modelcontextprotocol/server';
import type { SessionRegistryOptions } from '../options.js';
import { SessionRegistry } from '../registry.js';

/** Stands in for the auth layer: the verified principal of a request. */
export const PRINCIPAL_HEADER = 'x-test-principal';

export interface Instance {
  url: string;
  registry: SessionRegistry;
  /** Every McpServer the factory built, to check that ended sessions closed theirs. */
  servers: McpServer[];
  /** Stops taking connections and cuts open ones, as a crash would (no closeAll). */
  kill(): Promise<void>;
  /** kill(), then closeAll(). */
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function authInfoOf(principal: string | undefined): AuthInfo | undefined {
  if (principal === undefined) return undefined;
  return {
    token: 'test',
    clientId: principal,
    scopes: [FIXTURE_WRITE_SCOPE],
    extra: { sub: principal },
  };
}

export interface InstanceOptions extends Partial<SessionRegistryOptions> {
  /**
   * Registers a test's own tools on every server, before the fixture's: a test that needs
   * state shared by instances (as a database would be) keeps it in this closure.
   */
  decorate?: (server: McpServer) => void;
}

export async function startInstance(options: InstanceOptions = {}): Promise<Instance> {
  const { decorate, factory, ...registryOptions } = options;
  const build = factory ?? fixtureServerModule.createServerFactory(decorate && { decorate });
  const servers: McpServer[] = [];
  const registry = new SessionRegistry({
    factory: () => {
      const server = build();
      servers.push(server);
      return server;
    },
    ...registryOptions,
  });
  const server: Server = createServer(async (req, res) => {
    let body: unknown;
    try {
      body = req.method === 'POST' ? await readBody(req) : undefined;
      const principal = req.headers[PRINCIPAL_HEADER] as string | undefined;
      await registry.handle(req, res, body, { principal, authInfo: authInfoOf(principal) });
    } catch (error) {
      const id = (body as { id?: string | number } | undefined)?.id ?? null;
      const { httpStatus, headers, body: errorBody } = toErrorResponse(error, id);
      res.writeHead(httpStatus, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(errorBody));
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  let killed = false;
  const kill = async (): Promise<void> => {
    if (killed) return;
    killed = true;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    registry,
    servers,
    kill,
    async close() {
      await kill();
      await registry.closeAll();
    },
  };
}
