import { auth } from './auth.js';
import { authorizationServer } from './authorization-server.js';
import type { Check } from './check.js';
import { cors } from './cors.js';
import { eras } from './eras.js';
import { malformed } from './malformed.js';
import { methods } from './methods.js';
import { originHost } from './origin-host.js';
import { sessions } from './sessions.js';
import { sse } from './sse.js';

export type { Check } from './check.js';

/** In CHECK_IDS order. */
export const checks: readonly Check[] = [
  eras,
  cors,
  originHost,
  methods,
  malformed,
  auth,
  authorizationServer,
  sse,
  sessions,
];
