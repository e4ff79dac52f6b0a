import { z } from 'zod';
import { callerOf } from '../caller.js';
import { guarded, structured, type ToolModule } from '../module.js';
import { cachedJsonSchema } from './cached-json-schema.js';

// Schemas are built once, at module level: the stateless apps build a server per request.
const inputSchema = cachedJsonSchema(z.object({ name: z.string().min(1).max(100) }));
const outputSchema = cachedJsonSchema(z.object({ greeting: z.string() }));

/** Greets someone, and says who asked: the smallest useful tool. */
export const hello: ToolModule = {
  name: 'hello',
  scopes: [], // what a token or API key must carry to call it
  cost: 1, // rate-limit points per call
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'Say hello',
        description: 'Greets someone by name.',
        inputSchema,
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      guarded(this.name, deps, async ({ name }, ctx) => {
        const greeting = `Hello, ${name}! (asked by ${callerOf(ctx).id})`;
        return structured({ greeting }, greeting);
      }),
    );
  },
};
