/**
 * Scale-out, end to end, on loopback: three instances of the sessions app (A, B, C) sharing a
 * redis-server of the test's own, behind a real nginx rendered from nginx.conf.template, and
 * the official SDK client talking only to nginx. The tests run in order on one cluster and
 * one 2025 session, which loses two instances on the way.
 *
 * Who received what is read from two logs that do not depend on each other: nginx's access
 * log (which instances it tried per request, by X-Request-Id) and each instance's own JSON
 * request lines (stderr), which carry the same id. The instances serve the pipeline fixture
 * server (see app.ts): each `echo` call sends a text of its own and gets it back, which proves
 * it ran, and the logs prove that exactly one instance ever received it. An instance can run
 * only what it received, and nginx never re-sends a POST an instance received
 * (proxy_next_upstream). The `slow` tool streams one progress event per step.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppInstance, startInstance } from './app.js';
import { connectThrough, type SseEvent, type TappedClient } from './client.js';
import { type Nginx, startNginx } from './nginx.js';
import { waitFor } from './processes.js';
import { type RedisServer, startRedis } from './redis.js';

const STEP_MS = 300; // each of the slow tool's 5 steps, so a slow call takes about 1.5 s
const SLOW = { name: 'slow', arguments: { steps: 5, stepMs: STEP_MS } };

let redis: RedisServer;
let instances: AppInstance[] = [];
let nginx: Nginx;

beforeAll(async () => {
  redis = await startRedis();
  instances = await Promise.all(
    ['A', 'B', 'C'].map((name) => startInstance(name, { REDIS_URL: redis.url })),
  );
  nginx = await startNginx(instances.map((instance) => instance.address));
}, 30_000);

// When a step fails, what nginx and the instances saw says why.
beforeEach(({ onTestFailed }) =>
  onTestFailed(() => {
    const access = nginx.accessLog().map((line) => JSON.stringify(line));
    console.log(`nginx access log:\n${access.join('\n')}`);
    for (const instance of instances)
      console.log(`${instance.name} (${instance.address}):\n${instance.child.output()}`);
  }),
);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.child.stop('SIGKILL')));
  await nginx?.stop();
  await redis?.child.stop('SIGKILL');
});

/** nginx's line for a request, once nginx has finished it (an SSE stream: once it closed). */
async function nginxLine(requestId: string) {
  let line: ReturnType<Nginx['accessLog']>[number] | undefined;
  await waitFor(`nginx to log ${requestId}`, () => {
    line = nginx.accessLog().find((entry) => entry.request_id === requestId);
    return line !== undefined;
  });
  return line as NonNullable<typeof line>;
}

/** The instance that answered: the last one nginx tried (earlier ones refused to connect). */
const answeredBy = (upstream: string) => upstream.split(', ').at(-1);
const instanceAt = (address: string | undefined) =>
  instances.find((instance) => instance.address === address) as AppInstance;
/** Which instances logged receiving this request. */
const receivers = (requestId: string) =>
  instances.flatMap((instance) => instance.requestsWithId(requestId).map(() => instance.name));

const progressOf = (event: SseEvent): number | undefined => {
  const message = JSON.parse(event.data) as { method?: string; params?: { progress?: number } };
  return message.method === 'notifications/progress' ? message.params?.progress : undefined;
};

describe('a 2026-07-28 client through nginx', () => {
  it('is served statelessly, its requests spread over every instance', async () => {
    const modern = await connectThrough(nginx.url, 'modern', { modern: true });
    expect(modern.client.getProtocolEra()).toBe('modern');
    for (let i = 0; i < 9; i++) {
      const text = `modern call ${i}`;
      const result = await modern.client.callTool({ name: 'echo', arguments: { text } });
      expect(result.structuredContent).toEqual({ text });
    }
    const lines = await Promise.all(modern.exchanges.map((e) => nginxLine(e.requestId)));
    expect(lines.every((line) => !line.session && line.status === 200)).toBe(true);
    const perInstance = instances.map(
      (instance) => lines.filter((line) => line.upstream === instance.address).length,
    );
    // No session id, an empty hash key: nginx falls back to round robin.
    for (const count of perInstance) expect(count).toBeGreaterThanOrEqual(lines.length / 3 - 1);
    await modern.client.close();
  }, 10_000);
});

describe('a 2025 session through nginx, losing instances', () => {
  let legacy: TappedClient;
  let sessionId: string | undefined;
  let holder: AppInstance;
  const calls: { text: string; requestId: string }[] = [];

  /** An echo of a text of its own: the text coming back proves this very call ran. */
  async function echo(text: string): Promise<void> {
    const result = (await legacy.client.callTool({
      name: 'echo',
      arguments: { text },
    })) as CallToolResult;
    expect(result.isError).not.toBe(true);
    expect(result.structuredContent).toEqual({ text });
    const exchange = legacy.exchanges.findLast((e) => e.rpcMethod === 'tools/call');
    calls.push({ text, requestId: exchange?.requestId ?? '' });
  }
  const initializes = () => legacy.exchanges.filter((e) => e.rpcMethod === 'initialize');

  it('pins every request of the session to one instance, hashing Mcp-Session-Id', async () => {
    legacy = await connectThrough(nginx.url, 'legacy');
    sessionId = legacy.transport.sessionId;
    expect(legacy.client.getProtocolEra()).toBe('legacy');
    expect(sessionId).toBeTruthy();
    await echo('sent before the crash, one');
    await echo('sent before the crash, two');

    const posts = legacy.exchanges.filter((e) => e.httpMethod === 'POST');
    const lines = await Promise.all(posts.map((e) => nginxLine(e.requestId)));
    // initialize has no session id yet (round robin); everything after it is hashed.
    expect(lines[0]?.session).toBe(false);
    const pinned = new Set(lines.slice(1).map((line) => line.upstream));
    expect(lines.slice(1).every((line) => line.session)).toBe(true);
    expect(pinned.size).toBe(1);
    holder = instanceAt([...pinned][0]);
    expect(holder).toBeDefined();
  }, 10_000);

  it('carries on when that instance is killed, without initializing again, each call run once', async () => {
    // Its log lines for the calls so far are out (pino writes asynchronously) before it dies.
    for (const { requestId } of calls)
      await waitFor(`${holder.name} to log ${requestId}`, () =>
        holder.requestsWithId(requestId).some((line) => line.tool === 'echo'),
      );
    await holder.child.stop('SIGKILL');

    await echo('sent after the crash, one');
    await echo('sent after the crash, two');
    expect(legacy.transport.sessionId).toBe(sessionId);
    expect(initializes()).toHaveLength(1);

    for (const [index, { requestId }] of calls.entries()) {
      const line = await nginxLine(requestId);
      // Before the crash: the holder. After: another instance; nginx may first have tried the
      // dead one, which refused the connection ("502, 200", connect time "-"): never sent there.
      if (index < 2) expect(line.upstream).toBe(holder.address);
      else expect(answeredBy(line.upstream)).not.toBe(holder.address);
      const connects = line.upstream_connect_time.split(', ');
      expect(connects.slice(0, -1).every((time) => time === '-')).toBe(true);
      expect(connects.at(-1)).not.toBe('-');
      expect(line.upstream_status.split(', ').at(-1)).toBe('200');
      await waitFor(`an instance to log ${requestId}`, () => receivers(requestId).length > 0);
      expect(receivers(requestId)).toEqual([instanceAt(answeredBy(line.upstream)).name]);
    }
    // The session's echoes reached the instances exactly once each, and no others ran.
    const echoes = instances
      .flatMap((i) => i.logs())
      .filter(
        (l) => l.msg === 'request' && l.tool === 'echo' && l.requestId?.startsWith('legacy-'),
      );
    expect(echoes.map((l) => l.requestId).sort()).toEqual(calls.map((c) => c.requestId).sort());

    const after = await nginxLine(calls[3]?.requestId ?? '');
    holder = instanceAt(answeredBy(after.upstream));
  }, 15_000);

  it('resumes a stream cut mid-call with the missed progress events, each exactly once', async () => {
    // The client's connection drops right after the first progress event, and it stays away
    // for at least three steps of the slow call (the SDK waits for the server's SSE retry hint,
    // and the tap holds its GET until then): the instance keeps running the call, storing its
    // events.
    legacy.cutAfter = (event) => progressOf(event) === 1;
    legacy.holdResumeMs = 3 * STEP_MS;
    const progress: number[] = [];
    const firstEvent = legacy.events.length;
    const result = (await legacy.client.callTool(SLOW, {
      onprogress: (p) => progress.push(p.progress),
      timeout: 15_000,
    })) as CallToolResult;
    legacy.holdResumeMs = 0;
    expect(result.content).toEqual([{ type: 'text', text: 'done after 5 steps' }]);
    expect(progress).toEqual([1, 2, 3, 4, 5]);

    const post = legacy.exchanges.findLast((e) => e.rpcMethod === 'tools/call');
    const events = legacy.events.slice(firstEvent);
    const onPost = events.filter((event) => event.requestId === post?.requestId);
    expect(onPost.map(progressOf)).toEqual([1]);
    // The resume: a GET from the last event id seen, sent after progress 2 and 3 were
    // written while nobody listened. They arrive on it, from the event store, once each.
    const resume = legacy.exchanges.find(
      (e) => e.httpMethod === 'GET' && e.lastEventId && e.lastEventId === onPost[0]?.id,
    );
    expect(resume).toBeDefined();
    expect((resume?.sentAt ?? 0) - (legacy.cutAt ?? 0)).toBeGreaterThanOrEqual(3 * STEP_MS - 10);
    const resumed = events.filter((event) => event.requestId !== post?.requestId);
    expect(resumed.map(progressOf).filter(Boolean)).toEqual([2, 3, 4, 5]);
    const ids = events.map((event) => event.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(resumed.filter((event) => JSON.parse(event.data).result)).toHaveLength(1);

    // The resume went, by hash, to the instance still running the call; nothing ran twice.
    expect((await nginxLine(resume?.requestId ?? '')).upstream).toBe(holder.address);
    await waitFor('the cut call to be logged', () => receivers(post?.requestId ?? '').length > 0);
    expect(receivers(post?.requestId ?? '')).toEqual([holder.name]);
    expect(initializes()).toHaveLength(1);
  }, 20_000);

  it('never runs a call twice when its instance dies mid-call; the session carries on', async () => {
    // Limit by design (packages/sessions README): the call dies with its instance. The client
    // resumes on the last instance, gets no answer, and times out; no one runs it again.
    const firstEvent = legacy.events.length;
    const call = legacy.client.callTool(SLOW, { onprogress: () => {}, timeout: 3_000 });
    const outcome = call.then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await waitFor('the first progress event', () =>
      legacy.events.slice(firstEvent).some((event) => progressOf(event) === 1),
    );
    const post = legacy.exchanges.findLast((e) => e.rpcMethod === 'tools/call');
    const dying = holder;
    await dying.child.stop('SIGKILL');
    expect(await outcome).toMatch(/timed out/i);

    expect((await nginxLine(post?.requestId ?? '')).upstream).toBe(dying.address);
    const survivor = instances.find((i) => !i.child.gone()) as AppInstance;
    expect(survivor.logs().filter((line) => line.tool === 'slow')).toEqual([]);
    const ids = legacy.events.map((event) => event.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);

    // Same session, on the last instance standing.
    const tools = await legacy.client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toContain('slow');
    expect(legacy.transport.sessionId).toBe(sessionId);
    expect(initializes()).toHaveLength(1);
    const last = legacy.exchanges.findLast((e) => e.rpcMethod === 'tools/list');
    expect((await nginxLine(last?.requestId ?? '')).upstream.split(', ').at(-1)).toBe(
      survivor.address,
    );
    await legacy.client.close();
  }, 15_000);
});
