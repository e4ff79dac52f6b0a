/**
 * A company identity provider for tests: a second oidc-provider on loopback with people who
 * sign in with a username and password on a plain HTML form (what a headless browser fills),
 * and one confidential client, the MCP server's built-in authorization server.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';

export interface TestPerson {
  username: string;
  password: string;
  sub: string;
  email: string;
  groups: readonly string[];
}

export interface TestIdentityProviderOptions {
  people: readonly TestPerson[];
  /** The MCP server's client: its id, secret and callback (`<origin>/oauth/callback`). */
  client: { clientId: string; clientSecret: string; redirectUri: string };
}

export interface TestIdentityProvider {
  issuer: string;
  /** Logins that succeeded, by username. */
  logins: string[];
  /** Every access token it issued (opaque: the value is its id), to look for where it must not be. */
  accessTokens: string[];
  close(): Promise<void>;
}

async function form(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return new URLSearchParams(body);
}

function page(response: ServerResponse, status: number, html: string) {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
}

const loginForm = (
  uid: string,
  error = '',
) => `<!doctype html><html><head><title>Company sign-in</title></head><body>
<h1>Company sign-in</h1>${error && `<p id="error">${error}</p>`}
<form method="post" action="/interaction/${uid}/login">
<label>Username <input name="username" id="username" autocomplete="username"></label>
<label>Password <input name="password" id="password" type="password"></label>
<button type="submit" id="sign-in">Sign in</button></form></body></html>`;

export async function startTestIdentityProvider(
  options: TestIdentityProviderOptions,
): Promise<TestIdentityProvider> {
  let callback: RequestListener | undefined;
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people = new Map(options.people.map((person) => [person.sub, person]));
  const logins: string[] = [];

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: [options.client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['test-idp-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'], groups: ['groups'] },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    async findAccount(_ctx: unknown, sub: string) {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: person.email,
          name: person.username,
          groups: [...person.groups],
        }),
      };
    },
  });
  callback = provider.callback();

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
    if (!match) return callback?.(request, response);
    try {
      const interaction = await provider.interactionDetails(request, response);
      if (match[2] && request.method === 'POST') {
        const fields = await form(request);
        const person = options.people.find(
          (p) => p.username === fields.get('username') && p.password === fields.get('password'),
        );
        if (!person)
          return page(response, 200, loginForm(interaction.uid, 'Wrong username or password'));
        logins.push(person.username);
        return provider.interactionFinished(request, response, {
          login: { accountId: person.sub },
        });
      }
      if (interaction.prompt.name === 'login')
        return page(response, 200, loginForm(interaction.uid));
      // The company's own provider trusts its first-party client: consent is implied.
      const accountId = interaction.session?.accountId as string;
      const grant = new provider.Grant({
        accountId,
        clientId: interaction.params.client_id as string,
      });
      const missing = interaction.prompt.details.missingOIDCScope as string[] | undefined;
      if (missing) grant.addOIDCScope(missing.join(' '));
      const grantId = await grant.save();
      return provider.interactionFinished(
        request,
        response,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    } catch (error) {
      page(response, 400, `<p>${String(error)}</p>`);
    }
  }

  const accessTokens: string[] = [];
  provider.on('access_token.saved', (token: unknown) => {
    accessTokens.push((token as { jti: string }).jti);
  });

  return {
    issuer,
    logins,
    accessTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
