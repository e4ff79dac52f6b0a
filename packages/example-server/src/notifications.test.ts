import {
  Client,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import {
  createMcpHandler,
  InMemoryServerEventBus,
  type ServerEvent,
} from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_URI, createServerFactory, ticketUri } from './index.js';

const clientInfo = { name: 'example-notifications-test', version: '1.0.0' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A 2025 client over an in-memory connection, and every event the server published. */
async function connected(withBus = true) {
  const bus = new InMemoryServerEventBus();
  const published: ServerEvent[] = [];
  bus.subscribe((event) => published.push(event));
  const factory = createServerFactory({ reportStepMs: 1, ...(withBus && { bus }) });
  const client = new Client(clientInfo);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await factory().connect(serverTransport);
  await client.connect(clientTransport);
  closers.push(() => client.close());
  return { client, published };
}

describe('the example server announces its changes on the bus it is given', () => {
  it('offers resource subscriptions only with a bus to deliver them', async () => {
    const { client } = await connected();
    expect(client.getServerCapabilities()?.resources).toEqual({
      subscribe: true,
      listChanged: true,
    });
    const { client: alone } = await connected(false);
    expect(alone.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
  });

  it('does not offer them to a 2025 request served statelessly (no session, no stream)', async () => {
    const factory = createServerFactory({ reportStepMs: 1, bus: new InMemoryServerEventBus() });
    const handler = createMcpHandler(factory, { legacy: 'stateless' });
    closers.push(() => handler.close());
    const fetch = (input: string | URL | Request, init?: RequestInit) =>
      handler.fetch(new Request(input, init));
    const client = new Client(clientInfo, {
      versionNegotiation: { mode: 'legacy' },
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), { fetch }),
    );
    closers.push(() => client.close());
    expect(client.getServerCapabilities()?.resources).toEqual({ listChanged: true });
    // The instances of the other lanes still offer them.
    const legacy = factory({ era: 'legacy' });
    const modern = factory({ era: 'modern' });
    expect(modern.server.getCapabilities().resources?.subscribe).toBe(true);
    expect(legacy.server.getCapabilities().resources?.subscribe).toBeUndefined();
  });

  it('publishes the ticket resource updated when a ticket is assigned, once', async () => {
    const { client, published } = await connected();
    const result = await client.callTool({
      name: 'assign_ticket',
      arguments: { id: 'T-1', assignee: 'kim' },
    });
    expect(result.isError).not.toBe(true);
    expect(published).toEqual([{ kind: 'resource_updated', uri: ticketUri('T-1') }]);
    expect(ticketUri('T-1')).toBe('tickets://tickets/T-1');
  });

  it('publishes nothing when the write fails', async () => {
    const { client, published } = await connected();
    const result = await client.callTool({
      name: 'assign_ticket',
      arguments: { id: 'T-999', assignee: 'kim' },
    });
    expect(result.isError).toBe(true);
    expect(published).toEqual([]);
  });

  it('publishes the list changed and the board updated when tickets come and go', async () => {
    const { client, published } = await connected();
    const created = await client.callTool({
      name: 'create_ticket',
      arguments: { title: 'A new ticket' },
    });
    const id = (created.structuredContent as { id: string }).id;
    await client.callTool({ name: 'delete_ticket', arguments: { id } });
    const forTicket = [
      { kind: 'resource_updated', uri: ticketUri(id) },
      { kind: 'resource_updated', uri: BOARD_URI },
      { kind: 'resources_list_changed' },
    ];
    expect(published).toEqual([...forTicket, ...forTicket]);
  });
});

describe('a 2026-07-28 client listening through createMcpHandler', () => {
  it('gets notifications/resources/updated for the ticket it listens to, not for others', async () => {
    const bus = new InMemoryServerEventBus();
    const handler = createMcpHandler(createServerFactory({ reportStepMs: 1, bus }), { bus });
    closers.push(() => handler.close());
    const connect = async () => {
      const client = new Client(clientInfo, {
        versionNegotiation: { mode: { pin: '2026-07-28' } },
      });
      await client.connect(
        new StreamableHTTPClientTransport(new URL('http://example.test/mcp'), {
          fetch: (url, init) => handler.fetch(new Request(url, init)),
        }),
      );
      closers.push(() => client.close());
      return client;
    };
    const [listener, writer] = [await connect(), await connect()];
    const updated: string[] = [];
    listener.setNotificationHandler('notifications/resources/updated', (notification) => {
      updated.push(notification.params.uri);
    });
    const subscription = await listener.listen({ resourceSubscriptions: [ticketUri('T-2')] });
    closers.push(() => subscription.close());
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual([ticketUri('T-2')]);

    await writer.callTool({ name: 'assign_ticket', arguments: { id: 'T-1', assignee: 'kim' } });
    await writer.callTool({ name: 'assign_ticket', arguments: { id: 'T-2', assignee: 'kim' } });
    await expect.poll(() => updated).toEqual([ticketUri('T-2')]);
  });
});
