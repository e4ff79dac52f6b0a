import assert from 'node:assert/strict';
import type { ServerCheck } from '../testing.js';

/** What a client sees of `hello`, checked by every app through its own transport. */
export const helloChecks: readonly ServerCheck[] = [
  {
    name: 'hello greets by name and names the verified caller',
    async run({ client, expectedCaller }) {
      const result = await client.callTool({ name: 'hello', arguments: { name: 'Ada' } });
      assert.notEqual(result.isError, true);
      assert.deepEqual(result.structuredContent, {
        greeting: `Hello, Ada! (asked by ${expectedCaller})`,
      });
    },
  },
  {
    name: 'hello refuses an empty name as an isError result',
    async run({ client }) {
      const result = await client.callTool({ name: 'hello', arguments: { name: '' } });
      assert.equal(result.isError, true);
    },
  },
];
