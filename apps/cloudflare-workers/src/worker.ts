/**
 * The Worker's entry point (`main` in wrangler.jsonc): the app, built on an isolate's first
 * request and reused by the requests that follow, and the Durable Object class that counts
 * rate limits. A failed build is not kept, so the next request tries again.
 */
import { createWorkerApp, type WorkerApp, type WorkerBindings } from './app.js';

export { RateLimits } from './durable-limits.js';

type Env = WorkerBindings & Readonly<Record<string, unknown>>;

let pending: Promise<WorkerApp> | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    pending ??= createWorkerApp(env).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return (await pending).fetch(request);
  },
};
