import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-Id';

const ACCEPTABLE = /^[\w.:-]{1,128}$/;

/**
 * The id that ties a request's log lines together. An upstream proxy's id is kept when it
 * looks like an id (so one id spans nginx, the app and the client's report); anything else
 * is replaced, so a client cannot inject text into our logs.
 */
export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
}
