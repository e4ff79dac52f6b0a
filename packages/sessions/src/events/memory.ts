import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';
import {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_EVENT_TTL_MS,
  DEFAULT_MAX_EVENTS_PER_STREAM,
  type EventRetention,
  formatEventId,
  isResponse,
  parseEventId,
  type ReplaySend,
  type SessionEventStores,
} from './types.js';

interface StoredEvent {
  position: number;
  /** The message as JSON: a string costs a fraction of the object graph it parses into. */
  json: string;
}

interface Stream {
  events: StoredEvent[];
  next: number;
  /** When the stream stops being resumable unless it gets another event. */
  deadline: number;
}

export interface MemoryEventStoresOptions extends EventRetention {
  /** Events held across all sessions; the oldest streams go first. @default 100_000 */
  maxEvents?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Event streams in process memory: the embedded default. Resumes a dropped stream on the
 * same instance only. Bounded three ways: per stream, by age, and in total.
 */
export class MemoryEventStores implements SessionEventStores {
  private readonly sessions = new Map<string, Map<string, Stream>>();
  private readonly maxPerStream: number;
  private readonly ttlMs: number;
  private readonly completedTtlMs: number;
  private readonly maxEvents: number;
  private readonly now: () => number;
  private total = 0;
  private appends = 0;

  constructor(options: MemoryEventStoresOptions = {}) {
    this.maxPerStream = options.maxEventsPerStream ?? DEFAULT_MAX_EVENTS_PER_STREAM;
    this.ttlMs = options.ttlMs ?? DEFAULT_EVENT_TTL_MS;
    this.completedTtlMs = options.completedTtlMs ?? DEFAULT_COMPLETED_TTL_MS;
    this.maxEvents = options.maxEvents ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Events held, for tests and metrics. */
  get size(): number {
    return this.total;
  }

  forSession(sessionId: string): EventStore {
    return new MemoryEventStore(this, sessionId);
  }

  compactSession(sessionId: string): void {
    this.endSession(sessionId);
  }

  endSession(sessionId: string): void {
    const streams = this.sessions.get(sessionId);
    if (!streams) return;
    for (const stream of streams.values()) this.total -= stream.events.length;
    this.sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.sessions.clear();
    this.total = 0;
  }

  append(sessionId: string, streamId: string, message: JSONRPCMessage): string {
    let streams = this.sessions.get(sessionId);
    if (!streams) {
      streams = new Map();
      this.sessions.set(sessionId, streams);
    }
    const now = this.now();
    let stream = streams.get(streamId);
    if (!stream || stream.deadline <= now) {
      if (stream) this.total -= stream.events.length;
      stream = { events: [], next: 1, deadline: 0 };
      streams.set(streamId, stream);
    }
    const position = stream.next++;
    stream.events.push({ position, json: JSON.stringify(message) });
    stream.deadline = now + (isResponse(message) ? this.completedTtlMs : this.ttlMs);
    this.total++;
    if (stream.events.length > this.maxPerStream) {
      stream.events.shift();
      this.total--;
    }
    // Expired streams go in an amortized pass; past maxEvents, the oldest go at once.
    if (this.total > this.maxEvents || ++this.appends % 1024 === 0) this.evictOldest(now);
    return formatEventId(streamId, String(position));
  }

  async replay(sessionId: string, lastEventId: string, send: ReplaySend): Promise<string> {
    const parsed = parseMemoryEventId(lastEventId);
    if (!parsed) throw new Error('Invalid event id');
    const stream = this.sessions.get(sessionId)?.get(parsed.streamId);
    if (!stream || stream.deadline <= this.now()) return parsed.streamId;
    const after = parsed.position;
    // Copied first: send() awaits, and new events may arrive meanwhile (the SDK dedupes those).
    for (const { position, json } of stream.events.slice()) {
      if (position <= after || json === '{}') continue;
      await send(formatEventId(parsed.streamId, String(position)), JSON.parse(json));
    }
    return parsed.streamId;
  }

  // Drops every expired stream and, while over maxEvents, the oldest sessions' streams.
  private evictOldest(now: number): void {
    for (const [sessionId, streams] of this.sessions) {
      for (const [streamId, stream] of streams) {
        if (this.total <= this.maxEvents && stream.deadline > now) continue;
        this.total -= stream.events.length;
        streams.delete(streamId);
      }
      if (streams.size === 0) this.sessions.delete(sessionId);
    }
  }
}

function parseMemoryEventId(eventId: string): { streamId: string; position: number } | undefined {
  const parsed = parseEventId(eventId);
  const position = Number(parsed?.position);
  return parsed && Number.isSafeInteger(position)
    ? { streamId: parsed.streamId, position }
    : undefined;
}

/** The SDK `EventStore` of one session, over the shared {@link MemoryEventStores}. */
export class MemoryEventStore implements EventStore {
  constructor(
    private readonly stores: MemoryEventStores,
    readonly sessionId: string,
  ) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    return this.stores.append(this.sessionId, streamId, message);
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    // Undefined makes the SDK answer 400 instead of replaying from a made-up position.
    return parseMemoryEventId(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: ReplaySend }): Promise<string> {
    return this.stores.replay(this.sessionId, lastEventId, send);
  }
}
