/**
 * The board view in a real browser: headless Chromium opens a minimal MCP Apps host page
 * (ui/test-host: the official client plus the extension's AppBridge), which calls show_board
 * over HTTP, renders the ui:// resource in a sandboxed iframe and bridges it to the server.
 * Clicking Assign in the view must make the server run assign_ticket.
 * `SCREENSHOT=<path>` also saves the rendered view there (scripts/screenshot.mjs).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerFactory } from '../server.js';
import { createInMemoryTicketStore } from '../store.js';
import {
  type Browser,
  buildHostPage,
  type HostServer,
  launchBrowser,
  serveHost,
} from '../testing/view-host.js';

const store = createInMemoryTicketStore();
let host: HostServer;
let browser: Browser;

beforeAll(async () => {
  const [page] = await Promise.all([buildHostPage(), launchBrowser().then((b) => (browser = b))]);
  host = await serveHost(page, createServerFactory({ store }));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await host?.close();
});

async function openHost(era: 'legacy' | 'modern'): Promise<Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${host.url}${era === 'modern' ? '&era=modern' : ''}`);
  await page.waitForFunction(
    () => (globalThis as unknown as { hostState: string }).hostState !== 'starting',
    undefined,
    {
      timeout: 20_000,
    },
  );
  expect(
    await page.evaluate(() => (globalThis as unknown as { hostState: string }).hostState),
  ).toBe('ready');
  expect(errors).toEqual([]);
  return page;
}

/** What another client (the model's side) reads from the server. */
async function assigneeOnServer(id: string): Promise<string | null> {
  const client = new Client({ name: 'browser-test-check', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', host.url)));
  const { contents } = await client.readResource({ uri: `tickets://tickets/${id}` });
  await client.close();
  return (JSON.parse(String((contents[0] as { text: string }).text)) as { assignee: string | null })
    .assignee;
}

describe.each([
  { era: 'legacy', ticket: 'T-3', who: 'ana' },
  { era: 'modern', ticket: 'T-5', who: 'kim' },
] as const)('the board view in Chromium, host client in the $era era', ({ era, ticket, who }) => {
  it(`renders the tickets and assigns ${ticket} to ${who} through the host`, async () => {
    const page = await openHost(era);
    const view = page.frameLocator('iframe');
    const rows = view.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const row = view.locator(`tr[data-ticket="${ticket}"]`);
    expect(await row.locator('td').nth(1).textContent()).toMatch(/\w/);
    expect(await row.locator('.assignee').textContent()).toBe('—');
    expect(await assigneeOnServer(ticket)).toBeNull();

    await view.locator('#assignee').fill(who);
    await row.getByRole('button', { name: 'Assign' }).click();

    await expect.poll(() => row.locator('.assignee').textContent(), { timeout: 10_000 }).toBe(who);
    expect(await assigneeOnServer(ticket)).toBe(who);
    expect((await store.get(ticket))?.assignee).toBe(who);

    const screenshot = process.env.SCREENSHOT;
    if (screenshot && era === 'modern')
      await page.locator('iframe').screenshot({ path: screenshot });
    await page.close();
  }, 30_000);
});

describe('the board view under the policy its _meta.ui.csp asks for', () => {
  it('cannot reach the network: the host refuses its fetches (connect-src)', async () => {
    const page = await openHost('modern');
    const view = page.frames().find((frame) => frame !== page.mainFrame());
    if (!view) throw new Error('no view frame');
    // Runs in the view's frame (a browser, so no DOM types here): listen for the policy's
    // refusal, then try to reach the server that served the host page.
    type Listener = (type: string, cb: (e: { effectiveDirective: string }) => void) => void;
    const refused = await view.evaluate(async (url) => {
      const { document } = globalThis as unknown as { document: { addEventListener: Listener } };
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective)),
      );
      fetch(url).catch(() => undefined);
      return violation;
    }, host.url);
    expect(refused).toBe('connect-src');
    await page.close();
  }, 30_000);
});
