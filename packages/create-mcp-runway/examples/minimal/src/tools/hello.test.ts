import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serverModule } from '../server.js';

const client = new Client({ name: 'hello-test', version: '1.0.0' });
beforeAll(async () => {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await serverModule.createServerFactory()().connect(serverTransport);
  await client.connect(clientTransport);
});
afterAll(() => client.close());

it('greets by name; on stdio the caller is the local user', async () => {
  const result = await client.callTool({ name: 'hello', arguments: { name: 'Ada' } });
  expect(result.structuredContent).toEqual({ greeting: 'Hello, Ada! (asked by local)' });
});

it('is free to call and needs no scope', () => {
  expect(serverModule.toolPolicies.hello).toEqual({ scopes: [], cost: 1 });
});
