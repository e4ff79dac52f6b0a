/**
 * @mcp-runway/testing: production-readiness checks for a running MCP server. Point
 * `checkReadiness` at its URL (from a test, or through the `mcp-runway-readiness` CLI); each
 * check reports pass, fail (with what was expected and what came back) or n/a (with why).
 * The vitest helper lives at `@mcp-runway/testing/vitest`.
 */

/** Raw MCP requests of both eras (headers and body), for tests that speak HTTP directly. */
export {
  initialize,
  LEGACY_VERSION,
  legacy,
  type McpMessage,
  MODERN_VERSION,
  modern,
  POST_HEADERS,
} from './mcp.js';
export { type FormatOptions, formatReport, reasonOf } from './report.js';
export { checkReadiness } from './run.js';
export {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type ProtocolEra,
  type ReadinessOptions,
  type ReadinessReport,
  type StreamingTool,
} from './types.js';
