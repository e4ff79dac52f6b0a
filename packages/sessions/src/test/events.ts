import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

/** A progress notification numbered `n`. */
export const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 1, progress: n },
});

/** Replays after `lastEventId`: [event id, progress number or -1] per event sent. */
export async function replayed(
  store: EventStore,
  lastEventId: string,
): Promise<[string, number][]> {
  const sent: [string, number][] = [];
  await store.replayEventsAfter(lastEventId, {
    send: async (eventId, message) => {
      sent.push([
        eventId,
        (message as unknown as { params?: { progress: number } }).params?.progress ?? -1,
      ]);
    },
  });
  return sent;
}
