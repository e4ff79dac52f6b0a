#!/usr/bin/env node
/**
 * mcp-runway-api-key: mints an API key and prints it once, with the config line that lists
 * its hash. The key goes to the client's secret store; only the line goes to the server.
 *
 *   mcp-runway-api-key --principal reports-job --scopes "notes:read notes:write"
 */
import { parseArgs } from 'node:util';
import { formatApiKeyEntry, hashApiKey, mintApiKey } from './api-key-config.js';

const USAGE = 'usage: mcp-runway-api-key --principal <id> [--scopes "scope1 scope2"]\n';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      principal: { type: 'string', short: 'p' },
      scopes: { type: 'string', short: 's' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.principal) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const key = mintApiKey();
  // Throws for a principal or scope the config format cannot hold, before any key is shown.
  const line = formatApiKeyEntry({
    principal: values.principal,
    scopes: (values.scopes ?? '').split(/[\s,]+/).filter(Boolean),
    hash: hashApiKey(key),
  });
  // stdout carries only the two values, so scripts can capture them; the labels go to stderr.
  process.stderr.write("API key (shown once; store it in the client's secret store):\n");
  process.stdout.write(`${key}\n`);
  process.stderr.write('Config line (add it to API_KEYS or the API_KEYS_FILE):\n');
  process.stdout.write(`${line}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exitCode = 2;
}
