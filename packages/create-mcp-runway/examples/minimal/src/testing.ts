/**
 * Client-side checks of this server, shared by every app's tests: each app connects the
 * official SDK client over its own transport (stdio, HTTP, Lambda...) in either era and runs
 * this list. Replacing a tool means replacing its checks here. Assertions use node:assert so
 * any test runner reports them.
 */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/client';
import { serverModule } from './server.js';
import { helloChecks } from './tools/hello.check.js';

export interface CheckContext {
  client: Client;
  /** The principal id the tools should see (`local` on stdio). */
  expectedCaller: string;
}

export interface ServerCheck {
  name: string;
  run(context: CheckContext): Promise<void>;
}

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
