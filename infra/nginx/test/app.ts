/**
 * One instance of apps/express-sessions as its own process (as in production), on a port the OS
 * picks, read back from its JSON `listening` line, serving the pipeline fixture server in place
 * of the example server. Its JSON log lines (stderr) are kept: the per-request lines
 * (`msg: "request"`, with `requestId`, `mcpMethod`, `tool`) say which instance received which
 * request.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fixtureServerFor } from '@mcp-runway/testing/process';
import { type Child, start, waitFor } from './processes.js';

/** The built app, through this package's devDependency (turbo builds it before the tests). */
export const APP_ENTRY = fileURLToPath(
  new URL('../node_modules/@mcp-runway/express-sessions/dist/main.js', import.meta.url),
);

/** apps/hono-http, built, for the built-in authorization server's replica test. */
export const HONO_ENTRY = fileURLToPath(
  new URL('../node_modules/@mcp-runway/hono-http/dist/main.js', import.meta.url),
);

/**
 * The app's import of @mcp-runway/example-server loads the fixture server of
 * @mcp-runway/testing instead (tools `echo`, `slow`, `whoami`, ...), so these tests never
 * depend on the example's tools.
 */
const fixture = fixtureServerFor('@mcp-runway/example-server');

export interface LogLine {
  msg?: string;
  requestId?: string;
  method?: string;
  status?: number;
  mcpMethod?: string;
  tool?: string;
  [key: string]: unknown;
}

export interface AppInstance {
  name: string;
  /** `127.0.0.1:port`, as nginx's upstream list and access log name it. */
  address: string;
  child: Child;
  logs(): LogLine[];
  /** The lines of requests it received, by request id (nginx passes X-Request-Id on). */
  requestsWithId(requestId: string): LogLine[];
}

function parseLines(output: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {} // a line cut short by SIGKILL
  }
  return lines;
}

export async function startInstance(
  name: string,
  env: Record<string, string>,
  entry = APP_ENTRY,
): Promise<AppInstance> {
  if (!existsSync(entry))
    throw new Error(`${entry} is missing: build the app (pnpm turbo run build) first`);
  const child = start(process.execPath, [...fixture.args, entry], {
    ...fixture.env,
    PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ...env,
  });
  const logs = () => parseLines(child.output());
  let port = 0;
  await waitFor(
    `${name} to log "listening"`,
    () => {
      if (child.gone()) throw new Error(`${name} exited:\n${child.output()}`);
      const listening = logs().find((line) => line.msg === 'listening') as
        | { address?: { port?: number } }
        | undefined;
      port = listening?.address?.port ?? 0;
      return port > 0;
      // Three instances starting at once on a busy 2-core machine can take a while.
    },
    30_000,
  );
  return {
    name,
    address: `127.0.0.1:${port}`,
    child,
    logs,
    requestsWithId: (requestId) =>
      logs().filter((line) => line.msg === 'request' && line.requestId === requestId),
  };
}
