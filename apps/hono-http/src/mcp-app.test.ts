/**
 * The ticket-board view (MCP Apps) against this running app, in headless Chromium: the test
 * host page (the official client plus the extension's AppBridge, from
 * @mcp-runway/example-server/testing/view-host) reaches the app through its host server,
 * which adds the user's API key as a real host's backend would. The view's Assign click is
 * then a tool call like any other: authenticated, scope-checked, rate-limited and audited.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, mintApiKey } from '@mcp-runway/auth';
import { serverModule, WRITE_SCOPE } from '@mcp-runway/example-server';
import {
  type Browser,
  buildHostPage,
  type HostServer,
  launchBrowser,
  serveHost,
} from '@mcp-runway/example-server/testing/view-host';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/start.js';

const keys = { writer: mintApiKey(), reader: mintApiKey(), burst: mintApiKey() };
type Who = keyof typeof keys;
const auditPath = join(mkdtempSync(join(tmpdir(), 'mcp-app-audit-')), 'audit.log');
/** Each principal's budget: enough to open the view twice, small enough to spend in a loop. */
const RATE_LIMIT_POINTS = 40;

let app: RunningApp;
let browser: Browser;
let hostPage: string;
const hosts: HostServer[] = [];
/** The model's side: the official client, through the app, with the writer's key. */
let checker: Client;

beforeAll(async () => {
  [hostPage, browser, app] = await Promise.all([
    buildHostPage(),
    launchBrowser(),
    startApp(
      {
        AUTH_MODE: 'apikey',
        API_KEYS: [
          `writer:${WRITE_SCOPE}:${hashApiKey(keys.writer)}`,
          `reader::${hashApiKey(keys.reader)}`,
          `burst:${WRITE_SCOPE}:${hashApiKey(keys.burst)}`,
        ].join(','),
        RATE_LIMIT_POINTS: String(RATE_LIMIT_POINTS),
        AUDIT_LOG: `file:${auditPath}`,
      },
      { server: serverModule },
    ),
  ]);
  checker = await connectClient('writer');
}, 60_000);
afterAll(async () => {
  await checker?.close();
  await browser?.close();
  for (const host of hosts) await host.close();
  await app?.close();
});

const bearer = (who: Who) => ({ authorization: `Bearer ${keys[who]}` });

async function connectClient(who: Who): Promise<Client> {
  const client = new Client(
    { name: `mcp-app-test-${who}`, version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(app.mcpUrl, { requestInit: { headers: bearer(who) } }),
  );
  return client;
}

/** The host page, its backend holding `who`'s key, with the board rendered. */
async function openBoard(
  who: Who,
  era: 'legacy' | 'modern',
): Promise<{ page: Page; view: FrameLocator }> {
  const host = await serveHost(hostPage, { target: app.mcpUrl, headers: bearer(who) });
  hosts.push(host);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${host.url}${era === 'modern' ? '&era=modern' : ''}`);
  const state = () =>
    page.evaluate(() => (globalThis as unknown as { hostState: string }).hostState);
  await expect.poll(state, { timeout: 20_000 }).not.toBe('starting');
  expect(await state()).toBe('ready');
  expect(errors).toEqual([]);
  const view = page.frameLocator('iframe');
  await expect
    .poll(() => view.locator('tbody tr').count(), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(6);
  return { page, view };
}

/** Clicks Assign on one ticket's row, for `name`. */
async function assign(view: FrameLocator, ticket: string, name: string): Promise<void> {
  await view.locator('#assignee').fill(name);
  await view.locator(`tr[data-ticket="${ticket}"]`).getByRole('button', { name: 'Assign' }).click();
}

const assigneeInView = (view: FrameLocator, ticket: string) =>
  view.locator(`tr[data-ticket="${ticket}"] .assignee`).textContent();

/** What the model's side reads back from the server. */
async function assigneeOnServer(ticket: string): Promise<string | null> {
  const { contents } = await checker.readResource({ uri: `tickets://tickets/${ticket}` });
  return (JSON.parse(String((contents[0] as { text: string }).text)) as { assignee: string | null })
    .assignee;
}

function auditRecords(): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(auditPath, 'utf8');
  } catch {}
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const auditOf = (match: Record<string, unknown>) => () =>
  auditRecords().filter((record) => Object.entries(match).every(([k, v]) => record[k] === v))
    .length;

describe.each([
  { era: 'legacy', ticket: 'T-3', name: 'ana', refused: 'T-1', was: 'ana' },
  { era: 'modern', ticket: 'T-5', name: 'kim', refused: 'T-6', was: 'kim' },
] as const)('the board view on hono-http, host client in the $era era', (c) => {
  it(`with a tickets:write key, assigns ${c.ticket} to ${c.name} through the pipeline`, async () => {
    const { page, view } = await openBoard('writer', c.era);
    expect(await assigneeInView(view, c.ticket)).toBe('—');
    expect(await assigneeOnServer(c.ticket)).toBeNull();

    await assign(view, c.ticket, c.name);

    await expect.poll(() => assigneeInView(view, c.ticket), { timeout: 10_000 }).toBe(c.name);
    expect(await assigneeOnServer(c.ticket)).toBe(c.name);
    expect(await view.locator('#error').isHidden()).toBe(true);
    await expect
      .poll(
        auditOf({ event: 'tool_call', tool: 'assign_ticket', principal: 'writer', outcome: 'ok' }),
      )
      .toBe(c.era === 'legacy' ? 1 : 2);
    await page.close();
  });

  it(`with a read-only key, the Assign click is refused by scope and ${c.refused} stays ${c.was}`, async () => {
    const { page, view } = await openBoard('reader', c.era);
    expect(await assigneeInView(view, c.refused)).toBe(c.was);

    await assign(view, c.refused, 'zoe');

    const error = view.locator('#error');
    await expect.poll(() => error.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await error.textContent()).toBe(`Insufficient scope: required "${WRITE_SCOPE}"`);
    expect(await assigneeInView(view, c.refused)).toBe(c.was);
    expect(await assigneeOnServer(c.refused)).toBe(c.was);
    await expect
      .poll(
        auditOf({
          event: 'auth',
          outcome: 'refused',
          status: 403,
          reason: 'insufficient_scope',
          principal: 'reader',
          tool: 'assign_ticket',
        }),
      )
      .toBe(c.era === 'legacy' ? 1 : 2);
    expect(auditOf({ event: 'tool_call', tool: 'assign_ticket', principal: 'reader' })()).toBe(0);
    await page.close();
  });
});

describe('the board view on hono-http, with the rate limit spent', () => {
  it('refuses the Assign click with 429 and leaves T-2 as it was', async () => {
    const { page, view } = await openBoard('burst', 'modern');
    // Spend what is left of this key's budget, straight at the app.
    const client = await connectClient('burst');
    let spent = false;
    for (let i = 0; i < RATE_LIMIT_POINTS && !spent; i++) {
      spent = await client.listTools().then(
        () => false,
        (error: unknown) => /429/.test(String(error)),
      );
    }
    await client.close();
    expect(spent).toBe(true);

    await assign(view, 'T-2', 'zoe');

    const error = view.locator('#error');
    await expect.poll(() => error.isVisible(), { timeout: 10_000 }).toBe(true);
    // The host's client reports the app's 429 body: the JSON-RPC rate-limit error.
    expect(await error.textContent()).toMatch(/"Rate limit exceeded: retry after \d+s"/);
    expect(await assigneeInView(view, 'T-2')).toBe('sam');
    expect(await assigneeOnServer('T-2')).toBe('sam');
    await expect
      .poll(
        auditOf({
          event: 'auth',
          outcome: 'refused',
          status: 429,
          principal: 'burst',
          tool: 'assign_ticket',
        }),
      )
      .toBe(1);
    expect(auditOf({ event: 'tool_call', tool: 'assign_ticket', principal: 'burst' })()).toBe(0);
    await page.close();
  });
});
