/**
 * What the broken server can get wrong, each a mistake seen in real deployments, grouped by
 * the check that must catch it.
 */
export const FAULTS = {
  // eras
  'no-modern': 'treats 2026-07-28 requests as 2025 ones, as a 2025-only server does',
  'initialized-200': 'answers notifications/initialized with 200 and a body instead of 202',
  // cors
  'cors-narrow-allow-headers': 'the preflight allows only Content-Type and Authorization',
  'cors-any-origin': 'reflects any Origin into Access-Control-Allow-Origin',
  'cors-no-expose': 'exposes no response headers to browsers',
  // origin-host
  'any-origin': 'serves requests whatever their Origin',
  'any-host': 'serves requests whatever their Host',
  // methods
  'get-404': 'answers GET and DELETE on the endpoint with 404, as an unrouted path',
  // malformed
  'parse-error-500': 'lets a JSON syntax error escape as a 500 with the exception text',
  'no-body-limit': 'reads bodies of any size',
  'stops-serving': 'answers 503 to everything after the first malformed request',
  // auth
  'prm-wrong-resource': 'its metadata names the internal URL behind the proxy as the resource',
  'issuer-trailing-slash': "the authorization server's metadata names its issuer with a trailing /",
  'any-token': 'accepts any bearer token',
  'stack-in-401': 'puts a stack trace in its 401 body',
  // authorization-server
  'pkce-plain': 'its authorization server advertises only the plain PKCE method',
  'no-client-registration': 'its authorization server offers neither CIMD nor DCR',
  'dcr-any-redirect': 'its registration accepts an http:// redirect URI on any host',
  // sse
  'sse-buffered': 'sends SSE without X-Accel-Buffering or Cache-Control, with a Content-Length',
  // sessions
  'sequential-session-ids': 'numbers its sessions: session-1, session-2',
  'session-optional': 'serves a request without a session id',
  'unknown-session-400': 'answers an unknown session id with 400 instead of 404',
  'delete-ignored': 'answers DELETE with 200 but keeps the session',
} as const;

export type Fault = keyof typeof FAULTS;
