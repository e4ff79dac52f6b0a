/**
 * A plain OAuth 2.0 provider of GitHub's shape for tests: no discovery, no ID token, a login
 * form at `/login/oauth/authorize`, codes exchanged (with PKCE) at `/login/oauth/access_token`,
 * and the person (a numeric `id`, a `login`) at `/user`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubUser {
  id: number;
  login: string;
  password: string;
}

export interface TestGitHub {
  origin: string;
  authorizationUrl: string;
  tokenUrl: string;
  userUrl: string;
  close(): Promise<void>;
}

interface Code {
  userId: number;
  redirectUri: string;
  challenge: string;
}

async function form(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return new URLSearchParams(body);
}

const attribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startTestGitHub(options: {
  users: readonly GitHubUser[];
  client: { clientId: string; clientSecret: string; redirectUri: string };
}): Promise<TestGitHub> {
  const codes = new Map<string, Code>();
  const tokens = new Map<string, number>();
  const json = (response: ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/login/oauth/authorize' && request.method === 'GET') {
      const params = url.searchParams;
      if (
        params.get('client_id') !== options.client.clientId ||
        params.get('redirect_uri') !== options.client.redirectUri
      )
        return response.writeHead(400).end('unknown client or redirect_uri');
      const hidden = ['redirect_uri', 'state', 'code_challenge']
        .map(
          (name) =>
            `<input type="hidden" name="${name}" value="${attribute(params.get(name) ?? '')}">`,
        )
        .join('');
      return response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><title>Sign in to GitHub</title><form method="post">${hidden}<input id="username" name="username"><input id="password" name="password" type="password"><button id="sign-in">Sign in</button></form>`,
        );
    }
    if (url.pathname === '/login/oauth/authorize' && request.method === 'POST') {
      const fields = await form(request);
      const user = options.users.find(
        (u) => u.login === fields.get('username') && u.password === fields.get('password'),
      );
      if (!user) return response.writeHead(401).end('wrong password');
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        userId: user.id,
        redirectUri: fields.get('redirect_uri') ?? '',
        challenge: fields.get('code_challenge') ?? '',
      });
      const back = new URL(options.client.redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', fields.get('state') ?? '');
      return response.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      const fields = await form(request);
      const code = codes.get(fields.get('code') ?? '');
      codes.delete(fields.get('code') ?? '');
      const verifier = fields.get('code_verifier') ?? '';
      const ok =
        code &&
        fields.get('client_id') === options.client.clientId &&
        fields.get('client_secret') === options.client.clientSecret &&
        fields.get('redirect_uri') === code.redirectUri &&
        createHash('sha256').update(verifier).digest('base64url') === code.challenge;
      if (!ok) return json(response, 400, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.set(token, code.userId);
      return json(response, 200, { access_token: token, token_type: 'bearer', scope: 'read:user' });
    }
    if (url.pathname === '/user' && request.method === 'GET') {
      const id = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /i, ''));
      const user = options.users.find((u) => u.id === id);
      if (!user) return json(response, 401, { message: 'Bad credentials' });
      return json(response, 200, { id: user.id, login: user.login, email: null });
    }
    response.writeHead(404).end();
  }

  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    authorizationUrl: `${origin}/login/oauth/authorize`,
    tokenUrl: `${origin}/login/oauth/access_token`,
    userUrl: `${origin}/user`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
