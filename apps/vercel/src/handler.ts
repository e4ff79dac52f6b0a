/**
 * What Vercel's Node.js runtime calls: an object with `fetch(request)`, the Web-standard
 * signature (`export default { fetch }` in api/index.ts). The runtime turns each incoming HTTP
 * request into a `Request` and streams the `Response` back, SSE included. The app is built on
 * an instance's first request; a failed build is not kept, so the next request tries again.
 */
import { createVercelRuntime, type VercelRuntime } from './app.js';

export interface VercelHandler {
  fetch(request: Request): Promise<Response>;
  runtime(): Promise<VercelRuntime>;
}

export function createHandler(init: () => Promise<VercelRuntime>): VercelHandler {
  let pending: Promise<VercelRuntime> | undefined;
  const runtime = () => {
    pending ??= init().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return { runtime, fetch: async (request) => (await runtime()).fetch(request) };
}

/** The function's handler, configured from the project's environment variables. */
export const handler: VercelHandler = createHandler(() => createVercelRuntime(process.env));
