import { fileURLToPath } from 'node:url';
import { type SpawnedServer, spawnServer } from '@mcp-runway/testing/process';

const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type SpawnedApp = SpawnedServer;

/**
 * Runs the built app as its own process (as in production) and waits for its "listening" line.
 * The child serves the pipeline fixture server (@mcp-runway/testing/fixture-server) wherever
 * main.js imports the example server, so these tests name only fixture tools.
 */
export function spawnApp(env: Record<string, string> = {}): Promise<SpawnedApp> {
  return spawnServer(entry, { env, fixtureServerFor: '@mcp-runway/example-server' });
}
