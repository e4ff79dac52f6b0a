/**
 * The Vercel Function. vercel.json rewrites every path here (`/mcp`, `/health`, `/ready`,
 * `/.well-known/...`); the request keeps its original path, which the pipeline routes.
 */
import { handler } from '../src/handler.js';

export default { fetch: handler.fetch };
