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
import { answerByDeadline, type Drain } from '@mcp-runway/http';
import type { Handler } from '@mcp-runway/http/express';
import { bindRequestId } from '@mcp-runway/metrics';
import { type SessionRegistry, sendFetchResponse, toFetchRequest } from '@mcp-runway/sessions';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { Response as ExpressResponse, Request } from 'express';
import type { AppLocals } from './app.js';

/** Who a request counts against (`clientKey`: `principal:<id>`, else `ip:<address>`). */
export type CallerKey = (req: Request, res: ExpressResponse<unknown, AppLocals>) => string;

export interface LanesOptions {
  sessions: SessionRegistry;
  /** `createMcpHandler(factory, { legacy: 'reject' })`: it never sees 2025 traffic. */
  modern: McpHttpHandler;
  /** Whose share of the session table a new session counts in: the rate limiter's key. */
  caller: CallerKey;
  /** Calls still running at its deadline are answered with a JSON-RPC error, in both lanes. */
  drain: Pick<Drain, 'deadline'>;
}

export function mcpLanes({ sessions, modern, caller, drain }: LanesOptions): Handler<AppLocals> {
  return async (req, res) => {
    // The message the pipeline parsed and classified (POST); GET and DELETE have none and are
    // 2025 session operations (the SDK classifies every non-POST as legacy).
    const mcp = res.locals.mcp;
    const message = mcp?.message;
    const { principal, authInfo } = res.locals;
    // Still running at the shutdown deadline: a JSON-RPC error, not a cut connection.
    const answer = (response: Promise<Response>) => answerByDeadline(response, mcp?.id, drain);
    if (req.method !== 'POST' || mcp?.era === 'legacy') {
      // Refusals (400 no session id or an oversized initialize, 404 unknown or another
      // caller's session, 429 the caller's share of sessions, 503) are thrown before anything
      // is written, for the pipeline's error handler to render.
      await sessions.handle(req, res, message, {
        principal: callerId(principal),
        tenant: caller(req, res),
        authInfo,
        answer,
      });
      return;
    }
    // The SDK gets the message as parsed (a body-less Request: the stream is consumed), never
    // serialised again (the SDK's toNodeHandler would, failing on a deeply nested message);
    // the exchange aborts when the client goes away before its answer is complete.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const request = toFetchRequest(req, abort.signal);
    // The tool-call log line and audit record carry this request's id.
    const { requestId } = res.locals as { requestId?: unknown };
    if (typeof requestId === 'string') bindRequestId(request, requestId);
    const response = modern.fetch(request, {
      ...(message && { parsedBody: message }),
      ...(authInfo && { authInfo }),
    });
    await sendFetchResponse(res, await answer(response));
  };
}
