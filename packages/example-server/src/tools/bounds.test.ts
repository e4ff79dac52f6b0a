/**
 * Every input is bounded, so every call's work is: a tool's arguments are untrusted, and a call
 * that is cheap by its rate-limit cost must stay cheap whatever the arguments say. Through a
 * real client, so the answers are what a model sees.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerFactory } from '../server.js';
import { createInMemoryTicketStore, type TicketStore } from '../store.js';

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function connect(store: TicketStore = createInMemoryTicketStore()): Promise<Client> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createServerFactory({ store, reportStepMs: 1 })().connect(serverTransport);
  client = new Client({ name: 'bounds-test', version: '1.0.0' });
  await client.connect(clientTransport);
  return client;
}

const textOf = (result: ToolResult) =>
  (result.content as { type: string; text?: string }[])[0]?.text ?? '';

async function expectInvalid(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await (await connect()).callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/Input validation error/);
  return textOf(result);
}

describe('generate_report', () => {
  it('writes each known section at most once: 10,000 sections are refused before any work', async () => {
    const sections = Array.from({ length: 10_000 }, () => 'status');
    await expectInvalid('generate_report', { sections });
  });

  it('refuses a section named twice', async () => {
    const text = await expectInvalid('generate_report', { sections: ['status', 'status'] });
    expect(text).toMatch(/at most once/);
  });

  it('still writes all five sections, in the order asked', async () => {
    const sections = ['labels', 'unassigned', 'assignees', 'priority', 'status'];
    const result = await (await connect()).callTool({
      name: 'generate_report',
      arguments: { sections },
    });
    expect(result.isError).not.toBe(true);
    const written = (result.structuredContent as { sections: { name: string }[] }).sections;
    expect(written.map((section) => section.name)).toEqual(sections);
  });

  it('keeps each section to a bounded number of lines on a large board', async () => {
    const store = createInMemoryTicketStore({ seed: [] });
    for (let n = 0; n < 120; n++) {
      const reporter = `user-${n % 4}`;
      await store.create({ title: `Ticket ${n}`, priority: 'low', labels: [], reporter });
    }
    const result = await (await connect(store)).callTool({
      name: 'generate_report',
      arguments: { sections: ['unassigned'] },
    });
    const [section] = (result.structuredContent as { sections: { lines: string[] }[] }).sections;
    expect(section?.lines).toHaveLength(51);
    expect(section?.lines.at(-1)).toBe('... and 70 more');
  });
});

describe('ticket ids', () => {
  const longId = `T-${'9'.repeat(1_000)}`;

  it('are refused when longer than any id the board hands out', async () => {
    await expectInvalid('assign_ticket', { id: longId, assignee: 'ana' });
    await expectInvalid('delete_ticket', { id: longId });
  });

  it('name a bounded number of known tickets when the id is unknown', async () => {
    const store = createInMemoryTicketStore();
    for (let n = 0; n < 60; n++) {
      await store.create({ title: `Ticket ${n}`, priority: 'low', labels: [], reporter: 'ana' });
    }
    const result = await (await connect(store)).callTool({
      name: 'assign_ticket',
      arguments: { id: 'T-999', assignee: 'ana' },
    });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^No ticket T-999\. Known tickets: T-1, T-2, /);
    expect(text.match(/T-\d+/g)?.length).toBe(1 + 20);
    expect(text).toContain('(and 46 more)');
  });
});

describe('create_ticket', () => {
  it('refuses a new ticket once its reporter has filed the most one caller may', async () => {
    const store = createInMemoryTicketStore({ seed: [], maxTicketsPerReporter: 2 });
    const mcp = await connect(store);
    const create = () => mcp.callTool({ name: 'create_ticket', arguments: { title: 'Again' } });
    expect((await create()).isError).not.toBe(true);
    expect((await create()).isError).not.toBe(true);
    const refused = await create();
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/local has filed 2 tickets, the most one caller may/);
    expect((await store.list()).total).toBe(2);
  });

  it('refuses a new ticket once the board is full, whoever asks', async () => {
    const store = createInMemoryTicketStore({ maxTickets: 6 }); // the six seed tickets
    const result = await (await connect(store)).callTool({
      name: 'create_ticket',
      arguments: { title: 'One too many' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/The board is full \(6 tickets\)/);
  });
});

describe('the triage_ticket prompt', () => {
  it('refuses an audience longer than a sentence', async () => {
    const mcp = await connect();
    await expect(
      mcp.getPrompt({
        name: 'triage_ticket',
        arguments: { ticketId: 'T-1', audience: 'x'.repeat(10_000) },
      }),
    ).rejects.toMatchObject({ code: -32602 });
  });

  it('refuses a ticket id that is not one', async () => {
    const mcp = await connect();
    await expect(
      mcp.getPrompt({ name: 'triage_ticket', arguments: { ticketId: `T-${'1'.repeat(1_000)}` } }),
    ).rejects.toThrow(/ticket ids look like T-12/);
  });
});
