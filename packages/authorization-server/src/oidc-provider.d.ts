/**
 * The part of oidc-provider this package uses (it ships no types, and @types/oidc-provider
 * trails its releases). Kept private: no public type of this package names these.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  };
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Interaction {
    uid: string;
    exp: number;
    returnTo: string;
    grantId?: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, string | undefined>;
    session?: { accountId: string; uid?: string };
    result?: Record<string, unknown>;
    save(ttl: number): Promise<string>;
  }

  export interface Grant {
    accountId?: string;
    clientId?: string;
    addResourceScope(resource: string, scope: string): void;
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    clientUri?: string;
    redirectUris: string[];
    clientIdMetadataDocument?: boolean;
    /** Set on clients from the configuration (static). */
    noManage?: boolean;
    scope?: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface KoaContextWithOIDC {
    oidc: {
      client?: Client;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      route?: string;
    };
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    proxy: boolean;
    readonly issuer: string;
    callback(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<Interaction>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): this;
    // biome-ignore lint/suspicious/noExplicitAny: Koa middleware; its context is typed where used.
    use(middleware: (ctx: any, next: () => Promise<void>) => Promise<void>): this;
    Interaction: { find(uid: string): Promise<Interaction | undefined> };
    Grant: {
      new (properties: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    Client: {
      new (metadata: Record<string, unknown>, ctx?: unknown, options?: { cimd?: boolean }): Client;
      find(id: string): Promise<Client | undefined>;
    };
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidClient: new (description?: string, detail?: string) => Error;
    InvalidClientMetadata: new (description?: string) => Error;
    InvalidRedirectUri: new (description?: string) => Error;
  };
}
