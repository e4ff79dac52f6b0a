/**
 * Client-side checks of this server, shared by every app's tests: each app connects the
 * official SDK client over its own transport (stdio, HTTP, Lambda...) in either era and runs
 * this list. Replacing a tool means replacing its checks here. Assertions use node:assert so
 * any test runner reports them.
 */
import assert from 'node:assert/strict';
import type { ServerCheck } from './check.js';
import { serverModule } from './server.js';
import { helloChecks } from './tools/hello.check.js';

export type { CheckContext, ServerCheck } from './check.js';

/** Settings (environment variables) an app's test gives the server before running the checks. */
export const checkSettings: Readonly<Record<string, string>> = {};

export const serverChecks: readonly ServerCheck[] = [
  {
    name: 'lists every tool the server declares',
    async run({ client }) {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), [...serverModule.toolNames].sort());
    },
  },
  ...helloChecks,
];
