import { describe, expect, it } from 'vitest';
import { createInMemoryTicketStore } from './store.js';

describe('in-memory ticket store', () => {
  it('filters by text, label, status and assignee', async () => {
    const store = createInMemoryTicketStore();
    expect((await store.list({ text: 'network' })).tickets.map((t) => t.id)).toEqual([
      'T-1',
      'T-6',
    ]);
    expect((await store.list({ status: 'closed' })).tickets.map((t) => t.id)).toEqual(['T-4']);
    expect((await store.list({ assignee: 'sam' })).total).toBe(1);
    expect((await store.list({ limit: 2 })).tickets).toHaveLength(2);
  });

  it('numbers new tickets after the highest existing id', async () => {
    const store = createInMemoryTicketStore();
    const ticket = await store.create({
      title: 'New',
      priority: 'low',
      labels: [],
      reporter: 'ana',
    });
    expect(ticket).toMatchObject({ id: 'T-7', status: 'open', assignee: null, reporter: 'ana' });
  });

  it('hands out copies, so callers cannot change stored tickets by accident', async () => {
    const store = createInMemoryTicketStore();
    const ticket = await store.get('T-1');
    ticket?.labels.push('mutated');
    expect((await store.get('T-1'))?.labels).toEqual(['auth', 'network']);
  });

  it('updates and deletes', async () => {
    const store = createInMemoryTicketStore({ now: () => new Date('2026-01-01T00:00:00Z') });
    expect(await store.update('T-3', { assignee: 'kim' })).toMatchObject({ assignee: 'kim' });
    expect(await store.update('T-404', { assignee: 'kim' })).toBeUndefined();
    expect(await store.delete('T-3')).toBe(true);
    expect(await store.delete('T-3')).toBe(false);
  });

  it('holds a bounded board, in total and per reporter; a deletion frees a place', async () => {
    const store = createInMemoryTicketStore({ maxTickets: 8, maxTicketsPerReporter: 3 });
    const create = (reporter: string) =>
      store.create({ title: 'New', priority: 'low', labels: [], reporter });
    await create('ana'); // ana reported T-2 and T-5 in the seed: this is her third
    await expect(create('ana')).rejects.toThrow(/ana has filed 3 tickets/);
    await create('kim');
    await expect(create('bo')).rejects.toThrow(/The board is full \(8 tickets\)/);
    await store.delete('T-1');
    await expect(create('bo')).resolves.toMatchObject({ reporter: 'bo' });
  });
});
