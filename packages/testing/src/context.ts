import type { Findings } from './findings.js';
import { describeReply, type HttpReply, type HttpRequest, send } from './http.js';
import { initialize, type McpMessage, modern } from './mcp.js';
import type { ProtocolEra, ReadinessOptions, StreamingTool } from './types.js';

export interface ResolvedOptions {
  url: URL;
  headers: Record<string, string>;
  origin: string | undefined;
  timeoutMs: number;
  eras: readonly ProtocolEra[];
  requireOAuth: boolean;
  preregisteredClients: boolean;
  streamingTool: StreamingTool | undefined;
  oversizedBodyBytes: number;
}

export function resolveOptions(options: ReadinessOptions): ResolvedOptions {
  return {
    url: new URL(options.url),
    headers: options.headers ?? {},
    origin: options.origin,
    timeoutMs: options.timeoutMs ?? 10_000,
    eras: options.eras ?? ['2025-11-25', '2026-07-28'],
    requireOAuth: options.requireOAuth ?? false,
    preregisteredClients: options.preregisteredClients ?? false,
    streamingTool: options.streamingTool,
    oversizedBodyBytes: options.oversizedBodyBytes ?? 4 * 1024 * 1024,
  };
}

export interface PostOptions {
  /** Leave the credential headers out. */
  anonymous?: boolean;
  headers?: Record<string, string>;
  read?: HttpRequest['read'];
}

/** How checks talk to the server. */
export interface Wire {
  options: ResolvedOptions;
  /** Any request to any URL, with the run's timeout. */
  send(request: Omit<HttpRequest, 'timeoutMs'>): Promise<HttpReply>;
  /** An MCP POST to the endpoint, with the credentials unless `anonymous`. */
  post(message: McpMessage, options?: PostOptions): Promise<HttpReply>;
}

/** `opened` collects every session id the run was given, so the run can end them. */
export function createWire(options: ResolvedOptions, opened: Set<string>): Wire {
  const wire: Wire = {
    options,
    send: (request) => send({ ...request, timeoutMs: options.timeoutMs }),
    async post(message, { anonymous = false, headers = {}, read } = {}) {
      const reply = await wire.send({
        url: options.url,
        method: 'POST',
        headers: { ...message.headers, ...(anonymous ? {} : options.headers), ...headers },
        body: message.body,
        ...(read && { read }),
      });
      const id = reply.headers['mcp-session-id'];
      if (id && reply.status < 300) opened.add(id);
      return reply;
    },
  };
  return wire;
}

/** What the server showed on its first requests, before any check ran. */
export interface ServerProfile {
  /** The answer to a 2025-11-25 `initialize`. */
  legacy: HttpReply;
  /** The answer to a 2026-07-28 `server/discover`. */
  modern: HttpReply;
  legacyServed: boolean;
  modernServed: boolean;
  /** The `Mcp-Session-Id` initialize returned: the server keeps 2025 sessions. */
  sessionId: string | undefined;
  /** The version initialize settled on. */
  legacyVersion: string | undefined;
  /** The probes, sent with the given credentials (if any), still got 401. */
  unauthorized: boolean;
  /** An anonymous request gets 401. */
  authRequired: boolean;
}

export async function profileServer(wire: Wire): Promise<ServerProfile> {
  const legacy = await wire.post(initialize());
  const discover = await wire.post(modern('server/discover'));
  const result = legacy.message?.result;
  const legacyServed = legacy.status === 200 && typeof result?.protocolVersion === 'string';
  const versions = discover.message?.result?.supportedVersions;
  const modernServed =
    discover.status === 200 && Array.isArray(versions) && versions.includes('2026-07-28');
  const unauthorized = legacy.status === 401 || discover.status === 401;
  const hasCredentials = Object.keys(wire.options.headers).length > 0;
  // With credentials, only an anonymous request shows whether they are needed.
  const anonymous =
    hasCredentials && !unauthorized
      ? await wire.post(modernServed ? modern('server/discover') : initialize(), {
          anonymous: true,
        })
      : undefined;
  return {
    legacy,
    modern: discover,
    legacyServed,
    modernServed,
    sessionId: legacyServed ? legacy.headers['mcp-session-id'] : undefined,
    legacyVersion: legacyServed ? String(result?.protocolVersion) : undefined,
    unauthorized,
    authRequired: unauthorized || anonymous?.status === 401,
  };
}

export interface CheckContext extends Wire {
  profile: ServerProfile;
  /**
   * A request the server answers with success when all is well: `server/discover` where the
   * 2026-07-28 era is served (it opens no session), else `initialize`.
   */
  baseline(): McpMessage;
  /**
   * False, with a failure recorded, when the server wants credentials the run was not given:
   * a check that cannot get an authorized answer cannot call the server ready.
   */
  authorized(findings: Findings): boolean;
}

export function checkContext(wire: Wire, profile: ServerProfile): CheckContext {
  return {
    ...wire,
    profile,
    baseline: () =>
      profile.modernServed || !profile.legacyServed ? modern('server/discover') : initialize(),
    authorized(findings) {
      if (!profile.unauthorized) return true;
      const got = describeReply(profile.legacy.status === 401 ? profile.legacy : profile.modern);
      findings.fail(
        Object.keys(wire.options.headers).length > 0
          ? `the credentials given were refused (${got}): this check needs valid ones`
          : `the server wants credentials (${got}): pass them (headers, or --header 'Authorization: Bearer …') to run this check`,
      );
      return false;
    },
  };
}
