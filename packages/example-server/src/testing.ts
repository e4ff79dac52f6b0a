/**
 * Client-side checks of the example server, shared by every app's tests: each app connects
 * the official SDK client over its own transport (stdio, HTTP, Lambda...) in either era and
 * runs the same list. Assertions use node:assert so any test runner reports them.
 */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import type { ServerCheck } from './check.js';
import { serverModule } from './server.js';
import { viewChecks } from './ui/checks.js'; // runway:part ui

export type { CheckContext, ServerCheck } from './check.js';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

function textOf(result: ToolResult): string {
  const block = (result.content as { type: string; text?: string }[])[0];
  assert.equal(block?.type, 'text');
  return block.text ?? '';
}

async function rejectionOf(
  promise: Promise<unknown>,
): Promise<{ code?: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; message: string };
  }
  assert.fail('expected the request to be rejected');
}

async function newTicket(client: Client, title: string): Promise<string> {
  const created = await client.callTool({ name: 'create_ticket', arguments: { title } });
  assert.notEqual(created.isError, true, textOf(created));
  return (created.structuredContent as { id: string }).id;
}

/**
 * Settings (environment variables) an app's test gives the server before running the checks:
 * here, short report sections so the long-running tool's checks finish quickly.
 */
export const checkSettings: Readonly<Record<string, string>> = { REPORT_STEP_MS: '20' };

export const serverChecks: readonly ServerCheck[] = [
  {
    name: 'lists every tool the server declares, with annotations and output schema',
    async run({ client }) {
      const { tools } = await client.listTools();
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      assert.deepEqual([...byName.keys()].sort(), [...serverModule.toolNames].sort());
      assert.equal(byName.get('search_tickets')?.annotations?.readOnlyHint, true);
      assert.equal(byName.get('delete_ticket')?.annotations?.destructiveHint, true);
      assert.equal(byName.get('search_tickets')?.outputSchema?.type, 'object');
      assert.ok(byName.get('search_tickets')?.inputSchema.properties?.status);
    },
  },
  {
    name: 'returns structured content from the read-only search tool',
    async run({ client }) {
      const result = await client.callTool({
        name: 'search_tickets',
        arguments: { text: 'proxy' },
      });
      assert.notEqual(result.isError, true);
      const { tickets, total } = result.structuredContent as {
        tickets: { id: string }[];
        total: number;
      };
      assert.ok(total >= 2);
      assert.ok(tickets.some((ticket) => ticket.id === 'T-6'));
      assert.match(textOf(result), /T-6/);
    },
  },
  {
    name: 'records the verified caller as the reporter of a new ticket',
    async run({ client, expectedCaller }) {
      const result = await client.callTool({
        name: 'create_ticket',
        arguments: { title: 'Checks create tickets', labels: ['test'] },
      });
      assert.notEqual(result.isError, true, textOf(result));
      assert.equal((result.structuredContent as { reporter: string }).reporter, expectedCaller);
    },
  },
  {
    name: 'fails cleanly with isError when a ticket does not exist',
    async run({ client }) {
      const result = await client.callTool({
        name: 'assign_ticket',
        arguments: { id: 'T-999', assignee: 'ana' },
      });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /No ticket T-999\. Known tickets: T-1/);
    },
  },
  {
    name: 'reports invalid arguments as an isError input validation result',
    async run({ client }) {
      const result = await client.callTool({
        name: 'assign_ticket',
        arguments: { id: 'ticket one', assignee: 'Ana!' },
      });
      assert.equal(result.isError, true);
      assert.match(textOf(result), /Input validation error/);
      assert.match(textOf(result), /ticket ids look like T-12/);
    },
  },
  {
    name: 'answers an unknown tool with a protocol error',
    async run({ client }) {
      const error = await rejectionOf(client.callTool({ name: 'no_such_tool', arguments: {} }));
      assert.equal(error.code, -32602);
    },
  },
  {
    name: 'deletes a ticket with the destructive tool',
    async run({ client }) {
      const id = await newTicket(client, 'Delete me');
      const deleted = await client.callTool({ name: 'delete_ticket', arguments: { id } });
      assert.equal(textOf(deleted), `Deleted ${id}.`);
      const again = await client.callTool({ name: 'delete_ticket', arguments: { id } });
      assert.equal(again.isError, true);
    },
  },
  {
    name: 'sends increasing progress notifications from the long-running tool',
    async run({ client }) {
      const updates: { progress: number; total?: number | undefined }[] = [];
      const result = await client.callTool(
        { name: 'generate_report', arguments: { sections: ['status', 'priority', 'labels'] } },
        { onprogress: (update) => updates.push(update) },
      );
      assert.notEqual(result.isError, true, textOf(result));
      // SDK client 2.4.0 runs progress handlers a microtask late, so the final notification is
      // dropped when it arrives in the same read as the result (seen on stdio). Everything
      // before it must arrive, in order.
      const expected = [
        [1, 3],
        [2, 3],
        [3, 3],
      ];
      const received = updates.map((update) => [update.progress, update.total]);
      assert.ok(received.length >= 2, `expected progress updates, got ${JSON.stringify(received)}`);
      assert.deepEqual(received, expected.slice(0, received.length));
      const { sections } = result.structuredContent as { sections: { name: string }[] };
      assert.deepEqual(
        sections.map((section) => section.name),
        ['status', 'priority', 'labels'],
      );
    },
  },
  {
    name: 'stops waiting for the long-running tool when the caller cancels',
    async run({ client }) {
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'generate_report', arguments: {} },
        { signal: controller.signal, onprogress: () => controller.abort('the user clicked stop') },
      );
      await rejectionOf(call);
      assert.equal(controller.signal.aborted, true);
      // The connection keeps serving after a cancellation.
      const after = await client.callTool({ name: 'search_tickets', arguments: { limit: 1 } });
      assert.notEqual(after.isError, true);
    },
  },
  {
    name: 'reads the static board resource',
    async run({ client }) {
      const { resources } = await client.listResources();
      assert.ok(resources.some((resource) => resource.uri === 'tickets://board'));
      const { contents } = await client.readResource({ uri: 'tickets://board' });
      const board = JSON.parse(String((contents[0] as { text: string }).text)) as { total: number };
      assert.ok(board.total >= 6);
    },
  },
  {
    name: 'reads a ticket through the resource template and refuses an unknown one',
    async run({ client }) {
      const { resourceTemplates } = await client.listResourceTemplates();
      assert.deepEqual(
        resourceTemplates.map((template) => template.uriTemplate),
        ['tickets://tickets/{id}'],
      );
      const { contents } = await client.readResource({ uri: 'tickets://tickets/T-2' });
      assert.equal(
        (JSON.parse(String((contents[0] as { text: string }).text)) as { id: string }).id,
        'T-2',
      );
      const error = await rejectionOf(client.readResource({ uri: 'tickets://tickets/T-404' }));
      assert.equal(error.code, -32602);
    },
  },
  {
    name: 'gets the triage prompt with its arguments',
    async run({ client }) {
      const { prompts } = await client.listPrompts();
      const triage = prompts.find((prompt) => prompt.name === 'triage_ticket');
      assert.deepEqual(
        triage?.arguments?.map((argument) => [argument.name, argument.required]),
        [
          ['ticketId', true],
          ['audience', false],
        ],
      );
      const prompt = await client.getPrompt({
        name: 'triage_ticket',
        arguments: { ticketId: 'T-1', audience: 'the CTO' },
      });
      const text = (prompt.messages[0]?.content as { text?: string } | undefined)?.text ?? '';
      assert.match(text, /for the CTO/);
      assert.match(text, /"id": "T-1"/);
    },
  },
  {
    name: 'completes ticket ids for the prompt argument and the template variable',
    async run({ client }) {
      const forPrompt = await client.complete({
        ref: { type: 'ref/prompt', name: 'triage_ticket' },
        argument: { name: 'ticketId', value: 't-' },
      });
      assert.ok(forPrompt.completion.values.includes('T-1'));
      const forTemplate = await client.complete({
        ref: { type: 'ref/resource', uri: 'tickets://tickets/{id}' },
        argument: { name: 'id', value: 'T-5' },
      });
      assert.deepEqual(forTemplate.completion.values, ['T-5']);
    },
  },
  ...viewChecks, // runway:part ui
];
