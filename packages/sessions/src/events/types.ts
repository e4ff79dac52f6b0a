import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

/**
 * Event stores for every session of a registry. The SDK's `EventStore` has no notion of a
 * session, and each transport names its GET stream `_GET_stream`, so a store shared by many
 * sessions must be namespaced: `forSession(id)` returns the SDK `EventStore` one session's
 * transport uses. Namespacing also means a client can only replay its own session's events.
 */
export interface SessionEventStores {
  forSession(sessionId: string): EventStore;
  /** The session ended: forget its events (memory), or let them expire (Redis). */
  endSession(sessionId: string): void;
  /**
   * The session went dormant here: nothing of it is in flight and no stream of it is open, so
   * its events could only serve a reconnect that is long overdue. Stores that hold events in
   * this process's memory drop them; shared stores keep them (another instance may serve it).
   */
  compactSession?(sessionId: string): void;
  /** Releases what the stores created (a Redis client they opened). */
  close(): Promise<void>;
}

export interface EventRetention {
  /** Events kept per stream; older ones are dropped first. @default 1000 */
  maxEventsPerStream?: number;
  /** How long a stream stays resumable after its last event. @default 300_000 (5 minutes) */
  ttlMs?: number;
  /**
   * How long a request stream stays resumable once its response is stored: a client that
   * missed it reconnects within seconds (its retry interval). @default 30_000
   */
  completedTtlMs?: number;
}

export const DEFAULT_MAX_EVENTS_PER_STREAM = 1000;
export const DEFAULT_EVENT_TTL_MS = 300_000;
export const DEFAULT_COMPLETED_TTL_MS = 30_000;

/** A JSON-RPC response (result or error): the last event of a request stream. */
export function isResponse(message: JSONRPCMessage): boolean {
  return 'id' in message && ('result' in message || 'error' in message);
}

/** Event ids are `<streamId>:<position>`, so the stream is known from the id alone. */
export function formatEventId(streamId: string, position: string): string {
  return `${streamId}:${position}`;
}

export function parseEventId(eventId: string): { streamId: string; position: string } | undefined {
  const colon = eventId.lastIndexOf(':');
  if (colon <= 0 || colon === eventId.length - 1) return undefined;
  return { streamId: eventId.slice(0, colon), position: eventId.slice(colon + 1) };
}

/**
 * The SDK stores an empty message as the first event of each stream (the "priming" event, so
 * the client has an id to resume from). It is a position, not a message: never replayed.
 */
export function isPrimingEvent(message: JSONRPCMessage | Record<string, never>): boolean {
  return Object.keys(message).length === 0;
}

export type ReplaySend = (eventId: string, message: JSONRPCMessage) => Promise<void>;
