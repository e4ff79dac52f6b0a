/**
 * The lane split, the last step of the pipeline. The SDK's own classifier decides, run
 * once by `mcpPost` (`classifyInboundRequest`, the step `createMcpHandler` and
 * `isLegacyRequest` route with) and read here from `res.locals.mcp.era`:
 * - 2025-era traffic (a POST without the 2026-07-28 `_meta` envelope, `initialize` included;
 *   GET; DELETE) goes to the session registry, which binds each session to its caller;
 * - everything else goes to the stateless 2026-07-28 handler, which also owns the modern
 *   error answers (unsupported version, header mismatch, unknown method).
 */
import { callerId } from '@mcp-runway/auth';
import type { Handler } from '@mcp-runway/http/express';
import type { SessionRegistry } from '@mcp-runway/sessions';
import { toNodeHandler } from '@modelcontextprotocol/node';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { Request, Response } from 'express';
import type { AppLocals } from './app.js';

/** Who a request counts against (`clientKey`: `principal:<id>`, else `ip:<address>`). */
export type CallerKey = (req: Request, res: Response<unknown, AppLocals>) => string;

export interface LanesOptions {
  sessions: SessionRegistry;
  /** `createMcpHandler(factory, { legacy: 'reject' })`: it never sees 2025 traffic. */
  modern: McpHttpHandler;
  /** Whose share of the session table a new session counts in: the rate limiter's key. */
  caller: CallerKey;
}

export function mcpLanes({ sessions, modern, caller }: LanesOptions): Handler<AppLocals> {
  return async (req, res) => {
    // The message the pipeline parsed and classified (POST); GET and DELETE have none and are
    // 2025 session operations (the SDK classifies every non-POST as legacy).
    const mcp = res.locals.mcp;
    const message = mcp?.message;
    const { principal, authInfo } = res.locals;
    if (req.method !== 'POST' || mcp?.era === 'legacy') {
      // Refusals (400 no session id or an oversized initialize, 404 unknown or another
      // caller's session, 429 the caller's share of sessions, 503) are thrown before anything
      // is written, for the pipeline's error handler to render.
      await sessions.handle(req, res, message, {
        principal: callerId(principal),
        tenant: caller(req, res),
        authInfo,
      });
      return;
    }
    // toNodeHandler converts to a web Request (from the parsed body: the stream is consumed),
    // streams the Response back, and aborts the exchange when the client goes away.
    const serve = toNodeHandler(
      {
        fetch: (request, options) =>
          modern.fetch(request, { ...options, ...(authInfo && { authInfo }) }),
      },
      { onerror: (error) => res.locals.log.error({ err: error }, 'request failed') },
    );
    await serve(req, res, message);
  };
}
