/**
 * The official MCP conformance suite's authorization-server scenarios
 * (`authorization-server-metadata-endpoint`, `authorization-code-grant`) against the built-in
 * server, with a pre-registered client: the suite prints the authorization URL it wants a
 * person to open, and the headless browser is that person (company login, consent).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningApp, startApp } from './test/app.js';
import { type Browser, launchBrowser } from './testing/browser.js';
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
  type TestPerson,
} from './testing/idp.js';

const CONFORMANCE = fileURLToPath(
  new URL('../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url),
);
const GRACE: TestPerson = {
  username: 'grace',
  password: 'grace-pw-2c7b',
  sub: 'grace-0007',
  email: 'grace@example.com',
  groups: [],
};
const UPSTREAM = { clientId: 'mcp-runway', clientSecret: 'upstream-secret-91b2f4' };

let idp: TestIdentityProvider;
let app: RunningApp;
let browser: Browser;
let port: number;
let output: string;

/** A port the OS says is free (the suite's callback server takes a number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: found } = probe.address() as { port: number };
      probe.close(() => resolve(found));
    });
  });
}

beforeAll(async () => {
  [browser, port, output] = await Promise.all([
    launchBrowser(),
    freePort(),
    mkdtemp(join(tmpdir(), 'runway-conformance-')),
  ]);
  app = await startApp(
    {
      OAUTH_SCOPES: 'mcp:read', // what a request without `scope` gets
      OAUTH_CLIENTS: JSON.stringify([
        {
          client_id: 'conformance-suite',
          client_name: 'MCP conformance suite',
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`http://127.0.0.1:${port}/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ]),
    },
    {
      prepare: async (url) => {
        idp = await startTestIdentityProvider({
          people: [GRACE],
          client: { ...UPSTREAM, redirectUri: `${url}/oauth/callback` },
        });
        return {
          UPSTREAM_ISSUER: idp.issuer,
          UPSTREAM_CLIENT_ID: UPSTREAM.clientId,
          UPSTREAM_CLIENT_SECRET: UPSTREAM.clientSecret,
        };
      },
    },
  );
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  await rm(output, { recursive: true, force: true });
});

function run(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

it("passes the conformance suite's authorization-server scenarios", async () => {
  const child = spawn(
    process.execPath,
    [
      CONFORMANCE,
      'authorization',
      '--url',
      app.url,
      '--client-id',
      'conformance-suite',
      '--resource',
      `${app.url}/mcp`,
      '--port',
      String(port),
      '--output-dir',
      output,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const finished = run(child);
  // The suite prints the URL a person should open, then waits for its callback.
  const authorizationUrl = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk) => {
      seen += String(chunk);
      const match = seen.match(new RegExp(`${app.url}/oauth/authorize\\?\\S+`));
      if (match) resolve(match[0]);
    });
    child.on(
      'exit',
      () =>
        void finished.then(({ stdout }) => reject(new Error(`the suite exited first:\n${stdout}`))),
    );
  });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
  try {
    await page.goto(authorizationUrl);
    await page.fill('#username', GRACE.username);
    await page.fill('#password', GRACE.password);
    await Promise.all([page.waitForURL(`${app.url}/oauth/interaction/**`), page.click('#sign-in')]);
    await Promise.all([
      page.waitForURL(`http://127.0.0.1:${port}/callback**`),
      page.click('#allow'),
    ]);
  } finally {
    await page.close();
  }
  const { code, stdout } = await finished;
  const files = await readdir(output, { recursive: true });
  const results = await Promise.all(
    files
      .filter((file) => file.endsWith('.json'))
      .map(async (file) => readFile(join(output, file), 'utf8')),
  );
  const checks = results.flatMap((text) => {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed)
      ? (parsed as { id: string; status: string; errorMessage?: string }[])
      : [];
  });
  expect(
    checks.map((check) => check.id),
    stdout,
  ).toEqual(expect.arrayContaining(['authorization-server-metadata', 'authorization-code-grant']));
  expect(
    checks.filter((check) => check.status !== 'SUCCESS' && check.status !== 'INFO'),
    app.logs(),
  ).toEqual([]);
  expect(code, stdout).toBe(0);
});
