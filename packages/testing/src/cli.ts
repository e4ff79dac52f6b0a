#!/usr/bin/env node
/**
 * mcp-runway-readiness: the readiness checks from a terminal or a deploy pipeline.
 *   mcp-runway-readiness https://mcp.example.com/mcp --header 'Authorization: Bearer …'
 * Exits 0 when nothing failed, 1 when a check failed, 2 when it could not run. Header values
 * are never printed.
 */
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { checkReadiness } from './run.js';
import { CHECK_IDS, type CheckId, type ProtocolEra, type ReadinessOptions } from './types.js';

const USAGE = `Usage: mcp-runway-readiness <url> [options]

  --header 'Name: value'   send on every authorized request (repeatable); never printed
  --origin <origin>        a browser origin the server allows, to test CORS with
  --only <ids>             run only these checks (comma-separated)
  --skip <ids>             leave these checks out
  --eras <versions>        eras the server must serve (default 2025-11-25,2026-07-28)
  --require-oauth          fail the auth check unless the 401 leads to OAuth discovery
  --streaming-tool <name>  a tool whose call streams (SSE), for the sse check
  --tool-args <json>       its arguments
  --timeout <ms>           per request (default 10000)
  --json                   print the report as JSON
  --verbose                print every detail, not only those of failed and n/a checks

Checks: ${CHECK_IDS.join(', ')}
`;

class UsageError extends Error {}
class HelpWanted extends Error {}

function ids(value: string | undefined): CheckId[] | undefined {
  return value?.split(',').map((id) => id.trim()) as CheckId[] | undefined;
}

function headersOf(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon < 1) throw new UsageError(`--header must be 'Name: value' (the value is not shown)`);
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  }
  return headers;
}

function parse(argv: string[]): { options: ReadinessOptions; json: boolean; verbose: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      header: { type: 'string', multiple: true, short: 'H' },
      origin: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      eras: { type: 'string' },
      'require-oauth': { type: 'boolean' },
      'streaming-tool': { type: 'string' },
      'tool-args': { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) throw new HelpWanted();
  const [url, ...extra] = positionals;
  if (!url || extra.length > 0 || !URL.canParse(url))
    throw new UsageError('one MCP endpoint URL is needed');
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(timeoutMs > 0))
    throw new UsageError('--timeout must be a number of milliseconds');
  const only = ids(values.only);
  const skip = ids(values.skip);
  const tool = values['streaming-tool'];
  const options: ReadinessOptions = {
    url,
    headers: headersOf(values.header ?? []),
    ...(values.origin && { origin: values.origin }),
    ...(only && { only }),
    ...(skip && { skip }),
    ...(values.eras && { eras: values.eras.split(',') as ProtocolEra[] }),
    ...(values['require-oauth'] && { requireOAuth: true }),
    ...(timeoutMs && { timeoutMs }),
    ...(tool && {
      streamingTool: {
        name: tool,
        arguments: JSON.parse(values['tool-args'] ?? '{}') as Record<string, unknown>,
      },
    }),
  };
  return { options, json: values.json ?? false, verbose: values.verbose ?? false };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpWanted) {
      process.stdout.write(USAGE);
      return 0;
    }
    // parseArgs errors name the option, never a header value.
    process.stderr.write(
      `${error instanceof Error && error.message ? `${error.message}\n\n` : ''}${USAGE}`,
    );
    return 2;
  }
  const report = await checkReadiness(parsed.options);
  process.stdout.write(
    parsed.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : formatReport(report, { verbose: parsed.verbose }),
  );
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `mcp-runway-readiness: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
