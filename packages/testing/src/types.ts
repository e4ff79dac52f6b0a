/** The checks, in the order they run and are reported. */
export const CHECK_IDS = [
  'eras',
  'cors',
  'origin-host',
  'methods',
  'malformed',
  'auth',
  'authorization-server',
  'sse',
  'sessions',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** The two protocol eras an MCP endpoint can serve (see docs/reference/protocol-eras.md). */
export type ProtocolEra = '2025-11-25' | '2026-07-28';

/** A tool call that answers with an SSE stream (progress notifications, say). */
export interface StreamingTool {
  name: string;
  arguments?: Record<string, unknown>;
}

export interface ReadinessOptions {
  /** The MCP endpoint, e.g. `https://mcp.example.com/mcp`. */
  url: string | URL;
  /**
   * Sent on every request that should be authorized, e.g. `{ authorization: 'Bearer …' }`.
   * Never printed: every value is redacted from the report.
   */
  headers?: Record<string, string>;
  /**
   * A browser origin the server allows (`ALLOWED_ORIGINS`), to test CORS with. Without it the
   * CORS check only makes sure a foreign origin gets no allowance, and reports n/a.
   */
  origin?: string;
  /** Run only these checks. */
  only?: readonly CheckId[];
  /** Leave these checks out. */
  skip?: readonly CheckId[];
  /** Per HTTP request. @default 10000 */
  timeoutMs?: number;
  /**
   * The eras the server is meant to serve; a missing one fails the `eras` check.
   * @default ['2025-11-25', '2026-07-28']
   */
  eras?: readonly ProtocolEra[];
  /**
   * Fail the `auth` check unless the server offers OAuth discovery (a 401 with
   * `resource_metadata`). Without it, a server that answers 401 with no discovery (API keys) is
   * reported n/a. @default false
   */
  requireOAuth?: boolean;
  /**
   * The authorization server has pre-registered clients only (hosts are configured with a
   * client id): the `authorization-server` check then accepts no CIMD and no DCR.
   * @default false
   */
  preregisteredClients?: boolean;
  /** A tool whose call streams (SSE), for the `sse` check when nothing else streams. */
  streamingTool?: StreamingTool;
  /** Size of the oversized body the `malformed` check sends, in bytes. @default 4 MiB */
  oversizedBodyBytes?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'n/a';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /**
   * What was verified, one line each: `✓ …` held, `✗ …` did not (expected vs got), `- …` a
   * note. An n/a result starts with the reason.
   */
  details: string[];
  durationMs: number;
}

export interface ReadinessReport {
  /** The endpoint checked. */
  url: string;
  /** True when no check failed. */
  ok: boolean;
  /** What the kit found out about the server before checking (sessions, auth, eras). */
  profile: {
    eras: ProtocolEra[];
    sessions: boolean;
    authRequired: boolean;
  };
  checks: CheckResult[];
}
