/**
 * A small MCP server made for testing the production pipeline, not for users: an echo tool,
 * a slow cancellable tool with progress, a tool that needs a scope, a failing tool, and one
 * that tells who called. The apps' tests inject it into their composition exactly where the
 * real server goes, so replacing the example's tools never breaks a pipeline test.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CallToolResult,
  McpServer,
  type ServerContext,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import { z } from 'zod';

/** The scope `fixture_write` requires. */
export const FIXTURE_WRITE_SCOPE = 'fixture:write';

/** Scopes and rate-limit cost per tool, declared as a real server declares them. */
export const fixtureToolPolicies = {
  echo: { scopes: [], cost: 1 },
  slow: { scopes: [], cost: 5 },
  fixture_write: { scopes: [FIXTURE_WRITE_SCOPE], cost: 1 },
  fail: { scopes: [], cost: 1 },
  whoami: { scopes: [], cost: 1 },
  change_resource: { scopes: [], cost: 1 },
} as const satisfies Record<string, { scopes: readonly string[]; cost: number }>;

export type FixtureToolName = keyof typeof fixtureToolPolicies;
export const fixtureToolNames = Object.keys(fixtureToolPolicies) as readonly FixtureToolName[];

export interface FixtureServerOptions {
  /** Receives each new server before anything registers on it (instrumentation). */
  decorate?: (server: McpServer) => void;
  logger?: { error(obj: object, msg?: string): void };
  /** Where `change_resource` publishes its change (the app's event bus). */
  bus?: ServerEventBus | undefined;
}

/** A resource clients may subscribe to; `change_resource` says it changed. */
export const FIXTURE_WATCHED_URI = 'fixture://watched';

// Schemas built once: zod compiles a parser per schema, and the pipeline benchmarks use this.
const echoInput = z.object({ text: z.string().max(10_000) });
const echoOutput = z.object({ text: z.string() });
const changeInput = z.object({ uri: z.string().max(2_048).default(FIXTURE_WATCHED_URI) });
const slowInput = z.object({
  steps: z.number().int().min(1).max(100).default(3),
  stepMs: z.number().int().min(1).max(10_000).default(50),
});

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

async function progress(ctx: ServerContext, done: number, total: number): Promise<void> {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return;
  await ctx.mcpReq.notify({
    method: 'notifications/progress',
    params: { progressToken, progress: done, total },
  });
}

/** One fixture server instance; stateless, so any number can be built. */
export function createFixtureServer(options: FixtureServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'mcp-runway-fixture', version: '0.0.0' },
    { capabilities: { logging: {}, resources: { subscribe: true, listChanged: true } } },
  );
  options.decorate?.(server);
  server.registerTool(
    'echo',
    {
      description: 'Returns its text.',
      inputSchema: echoInput,
      outputSchema: echoOutput,
      annotations: { readOnlyHint: true },
    },
    async ({ text: value }) => ({
      content: [{ type: 'text', text: value }],
      structuredContent: { text: value },
    }),
  );
  server.registerTool(
    'slow',
    {
      description: 'Takes `steps` x `stepMs`, with a progress notification per step; cancellable.',
      inputSchema: slowInput,
      annotations: { readOnlyHint: true },
    },
    async ({ steps, stepMs }, ctx) => {
      for (let step = 1; step <= steps; step += 1) {
        try {
          await sleep(stepMs, undefined, { signal: ctx.mcpReq.signal });
        } catch {
          return { ...text(`cancelled after ${step - 1} of ${steps} steps`), isError: true };
        }
        await progress(ctx, step, steps);
      }
      return text(`done after ${steps} steps`);
    },
  );
  server.registerTool(
    'fixture_write',
    {
      description: `Needs the ${FIXTURE_WRITE_SCOPE} scope (enforced by the pipeline).`,
      inputSchema: z.object({}),
    },
    async () => text('written'),
  );
  server.registerTool(
    'fail',
    { description: 'Always fails, as a tool with a bug would.', inputSchema: z.object({}) },
    async () => {
      options.logger?.error({ tool: 'fail' }, 'fixture tool failed on purpose');
      return { ...text('The tool failed.'), isError: true };
    },
  );
  server.registerTool(
    'whoami',
    { description: 'Who the pipeline says is calling.', inputSchema: z.object({}) },
    async (_args, ctx) => {
      const auth = ctx.http?.authInfo;
      const subject = auth?.extra?.sub;
      const id = auth
        ? typeof subject === 'string' && subject
          ? subject
          : auth.clientId
        : 'anonymous';
      return {
        content: [{ type: 'text', text: id }],
        structuredContent: { id, scopes: auth?.scopes ?? [] },
      };
    },
  );
  server.registerResource(
    'watched',
    FIXTURE_WATCHED_URI,
    { description: 'Subscribe to it; change_resource changes it.', mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, text: 'watched' }] }),
  );
  server.registerTool(
    'change_resource',
    {
      description: 'Says a resource changed: subscribers get notifications/resources/updated.',
      inputSchema: changeInput,
    },
    async ({ uri }) => {
      options.bus?.publish({ kind: 'resource_updated', uri });
      return text(`changed ${uri}`);
    },
  );
  return server;
}

/**
 * The fixture as a server module, the shape the apps take their MCP server in (the example
 * server exports the same shape): a factory, the tool names for metrics, the policies for the
 * auth and rate-limit layers.
 */
export const fixtureServerModule = {
  info: { name: 'mcp-runway-fixture', version: '0.0.0' },
  toolNames: fixtureToolNames,
  toolPolicies: fixtureToolPolicies,
  createServerFactory(options: FixtureServerOptions = {}): () => McpServer {
    return () => createFixtureServer(options);
  },
};
