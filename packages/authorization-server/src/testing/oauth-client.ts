/**
 * What an MCP host keeps for the SDK's authorization-code flow (`OAuthClientProvider`): its
 * registration, the PKCE verifier and tokens, in memory; its "redirect the user" step only
 * records the URL, which the test then opens in the browser. The redirect URI is a loopback
 * server that records what the browser brings back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';

export class TestOAuthClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  registered: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  clientMetadataUrl?: string;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadata: OAuthClientMetadata,
    clientMetadataUrl?: string,
  ) {
    if (clientMetadataUrl) this.clientMetadataUrl = clientMetadataUrl;
  }

  clientInformation() {
    return this.registered;
  }
  saveClientInformation(information: StoredOAuthClientInformation) {
    this.registered = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  // Kept with the verifier, so the SDK checks that the callback comes from the same server.
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

/** The host's loopback redirect URI: it records each callback's query. */
export interface CallbackServer {
  url: string;
  received: URLSearchParams[];
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return response.writeHead(404).end(); // the favicon
    received.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
