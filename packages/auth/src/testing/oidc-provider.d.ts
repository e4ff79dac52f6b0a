/** The little of oidc-provider the tests use (it ships no types; @types/oidc-provider is not installed). */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
  export const errors: {
    InvalidTarget: new (description?: string) => Error;
  };
}
