import { fileURLToPath } from 'node:url';
import {
  runToExit as runEntryToExit,
  type SpawnedServer,
  spawnServer,
} from '@mcp-runway/testing/process';

const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type SpawnedApp = SpawnedServer;

/**
 * Runs the built app as its own process (as in production, and as the nginx test does) and
 * waits for its JSON "listening" line with `address.port`. The process serves the pipeline
 * fixture server: main.ts's import of @mcp-runway/example-server resolves to it.
 */
export function spawnApp(env: Record<string, string> = {}): Promise<SpawnedApp> {
  return spawnServer(entry, { env, fixtureServerFor: '@mcp-runway/example-server' });
}

/** Runs the built app until it exits on its own (a refused configuration): its code and stderr. */
export function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return runEntryToExit(entry, env);
}
