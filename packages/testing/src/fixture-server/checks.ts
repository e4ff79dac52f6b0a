/**
 * Client-side checks of the fixture server, for tests of a transport and pipeline: each runs
 * the official SDK client against the running app in one era. Assertions use node:assert, so
 * any test runner reports them.
 */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { fixtureToolNames } from './server.js';

export interface FixtureCheckContext {
  client: Client;
  /** Who `whoami` should report: the verified principal, or `anonymous`. */
  expectedCaller: string;
}

export interface FixtureCheck {
  name: string;
  run(context: FixtureCheckContext): Promise<void>;
}

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

export function textOf(result: ToolResult): string {
  const block = (result.content as { type: string; text?: string }[])[0];
  assert.equal(block?.type, 'text');
  return block.text ?? '';
}

export const fixtureChecks: readonly FixtureCheck[] = [
  {
    name: 'lists the fixture tools',
    async run({ client }) {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), [...fixtureToolNames].sort());
    },
  },
  {
    name: 'echoes text as content and structured content',
    async run({ client }) {
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
      assert.notEqual(result.isError, true);
      assert.equal(textOf(result), 'hello');
      assert.deepEqual(result.structuredContent, { text: 'hello' });
    },
  },
  {
    name: 'passes the verified caller to the tool',
    async run({ client, expectedCaller }) {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      assert.equal((result.structuredContent as { id: string }).id, expectedCaller);
    },
  },
  {
    name: 'reports a failing tool as an isError result, not a protocol error',
    async run({ client }) {
      const result = await client.callTool({ name: 'fail', arguments: {} });
      assert.equal(result.isError, true);
      assert.equal(textOf(result), 'The tool failed.');
    },
  },
  {
    name: 'reports invalid arguments as an isError input validation result',
    async run({ client }) {
      const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /Input validation error/);
    },
  },
  {
    name: 'sends increasing progress notifications from the slow tool',
    async run({ client }) {
      const updates: [number, number | undefined][] = [];
      const result = await client.callTool(
        { name: 'slow', arguments: { steps: 3, stepMs: 20 } },
        { onprogress: (update) => updates.push([update.progress, update.total]) },
      );
      assert.equal(textOf(result), 'done after 3 steps');
      // SDK client 2.4.0 runs progress handlers a microtask late, so the final notification is
      // dropped when it arrives in the same read as the result. What arrives is in order.
      assert.ok(updates.length >= 2, `expected progress updates, got ${JSON.stringify(updates)}`);
      assert.deepEqual(
        updates,
        [
          [1, 3],
          [2, 3],
          [3, 3],
        ].slice(0, updates.length),
      );
    },
  },
  {
    name: 'stops waiting for the slow tool when the caller cancels, and keeps serving',
    async run({ client }) {
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'slow', arguments: { steps: 20, stepMs: 50 } },
        { signal: controller.signal, onprogress: () => controller.abort('the user clicked stop') },
      );
      await assert.rejects(call);
      const after = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
      assert.equal(textOf(after), 'still here');
    },
  },
  {
    name: 'answers an unknown tool with a protocol error',
    async run({ client }) {
      await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (error) => {
        assert.equal((error as { code?: unknown }).code, -32602);
        return true;
      });
    },
  },
];
