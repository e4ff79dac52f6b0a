/**
 * Headers on every response. The MCP endpoint serves JSON and SSE to programs, never pages, so
 * the strictest browser policy costs nothing. (Hono and our Express setup never send
 * `X-Powered-By`; the Express adapter disables it explicitly.)
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};
