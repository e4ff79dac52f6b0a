/**
 * The pages oidc-provider hands the browser to (its "interactions"), as plain Node handlers:
 * login goes to the upstream identity provider and comes back on our callback; consent shows
 * the client and the scopes and records the grant.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-runway/logging';
import type { Provider } from 'oidc-provider';
import { checkConsentToken, consentToken, renderConsent, renderProblem } from './consent.js';
import { allowedScopes, type ScopeMap } from './scope-map.js';
import type { RecordStore } from './store.js';
import type { PendingLogin, Upstream, UpstreamTokens } from './upstream.js';

/** What we know of a person from their last login: the scopes they may be granted. */
export interface Account {
  scopes: readonly string[];
}

export interface InteractionOptions {
  provider: Provider;
  upstream: Upstream;
  logger: Logger;
  resource: string;
  resourceName: string;
  /** Every scope of the resource. */
  scopes: readonly string[];
  scopeMap: ScopeMap | undefined;
  /** Logins in flight, what each person may be granted, remembered consents. */
  records: RecordStore;
  /** Seconds a person's scopes and consents are kept (the refresh-token lifetime). */
  rememberSeconds: number;
  /** Where the person's upstream tokens are kept, encrypted. */
  upstreamTokens: { save(subject: string, tokens: UpstreamTokens): Promise<void> };
  csrfSecret: Buffer;
  /** Seconds a consent page stays usable. */
  consentTtlSeconds: number;
  now: () => number;
}

const LOGIN_TTL_SECONDS = 10 * 60;
const FORM_LIMIT = 8 * 1024;

/** One key per person and client (both may hold any character: a client id may be a URL). */
export const consentKey = (accountId: string, clientId: string) =>
  createHash('sha256').update(accountId).update('\0').update(clientId).digest('base64url');

function send(
  response: ServerResponse,
  status: number,
  page: { html: string; headers: Record<string, string> },
) {
  response.writeHead(status, page.headers).end(page.html);
}

function redirect(response: ServerResponse, location: string) {
  response.writeHead(303, { location, 'cache-control': 'no-store' }).end();
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > FORM_LIMIT) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

export function createInteractions(options: InteractionOptions) {
  const { provider, upstream, logger } = options;
  const { records } = options;

  async function start(request: IncomingMessage, response: ServerResponse, uid: string) {
    const interaction = await provider.interactionDetails(request, response);
    if (interaction.uid !== uid)
      return send(
        response,
        400,
        renderProblem('Wrong page', 'This sign-in page is not the current one.'),
      );
    if (interaction.prompt.name === 'login') {
      const { authorizationUrl, pending } = await upstream.begin();
      // state -> the login waiting for the provider's answer (one use, ten minutes).
      await records.put('login', pending.state, { uid, login: pending }, LOGIN_TTL_SECONDS);
      return redirect(response, authorizationUrl.href);
    }
    // consent
    const accountId = interaction.session?.accountId;
    const client = await provider.Client.find(interaction.params.client_id ?? '');
    if (!accountId || !client)
      return send(
        response,
        400,
        renderProblem('Sign-in expired', 'Start again from your application.'),
      );
    const { offered, refused } = await scopesFor(interaction.prompt.details, accountId);
    const expiresAt = Math.floor(options.now() / 1000) + options.consentTtlSeconds;
    return send(
      response,
      200,
      renderConsent({
        uid,
        clientName: client.clientName,
        clientId: client.clientId,
        redirectUri: interaction.params.redirect_uri ?? '',
        scopes: offered,
        refused,
        resourceName: options.resourceName,
        csrf: consentToken(options.csrfSecret, uid, expiresAt),
      }),
    );
  }

  async function scopesFor(details: Record<string, unknown>, accountId: string) {
    const missing = details.missingResourceScopes as Record<string, string[]> | undefined;
    const asked = missing?.[options.resource] ?? [];
    const account = await records.get<Account>('account', accountId);
    const allowed = new Set(account?.scopes ?? []);
    return {
      offered: asked.filter((scope) => allowed.has(scope)),
      refused: asked.filter((scope) => !allowed.has(scope)),
      oidc: (details.missingOIDCScope as string[] | undefined) ?? [],
    };
  }

  async function consent(request: IncomingMessage, response: ServerResponse, uid: string) {
    const form = await readForm(request);
    const verdict = checkConsentToken(
      options.csrfSecret,
      uid,
      form.get('csrf') ?? undefined,
      Math.floor(options.now() / 1000),
    );
    if (verdict !== 'ok') {
      logger.info({ kind: 'oauth-consent', reason: verdict }, 'consent refused: bad CSRF token');
      return send(
        response,
        403,
        renderProblem(
          verdict === 'expired' ? 'This page expired' : 'Request refused',
          verdict === 'expired'
            ? 'The consent page was open too long. Start again from your application.'
            : 'The consent form did not come from this server.',
        ),
      );
    }
    const interaction = await provider.interactionDetails(request, response);
    if (interaction.uid !== uid || interaction.prompt.name !== 'consent') {
      return send(
        response,
        400,
        renderProblem('Wrong page', 'This consent page is not the current one.'),
      );
    }
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'The user denied the request' },
        { mergeWithLastSubmission: false },
      );
    }
    const accountId = interaction.session?.accountId as string;
    const clientId = interaction.params.client_id as string;
    const grant = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant)
      return send(
        response,
        400,
        renderProblem('Sign-in expired', 'Start again from your application.'),
      );
    const { offered, oidc } = await scopesFor(interaction.prompt.details, accountId);
    if (oidc.length) grant.addOIDCScope(oidc.join(' '));
    // Even an empty grant records the decision (the client then holds no scope).
    grant.addResourceScope(options.resource, offered.join(' '));
    const grantId = await grant.save();
    await records.put('consent', consentKey(accountId, clientId), grantId, options.rememberSeconds);
    return provider.interactionFinished(
      request,
      response,
      { consent: interaction.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  /** The identity provider sends the browser back here with a code (or an error). */
  async function callback(response: ServerResponse, url: URL) {
    const state = url.searchParams.get('state') ?? '';
    const entry = state
      ? await records.take<{ uid: string; login: PendingLogin }>('login', state)
      : undefined;
    if (!entry) {
      return send(
        response,
        400,
        renderProblem('Sign-in expired', 'Start again from your application.'),
      );
    }
    const interaction = await provider.Interaction.find(entry.uid);
    if (!interaction)
      return send(
        response,
        400,
        renderProblem('Sign-in expired', 'Start again from your application.'),
      );
    let result: Record<string, unknown>;
    try {
      const identity = await upstream.finish(url, entry.login);
      const scopes = allowedScopes(options.scopeMap, identity.claims, options.scopes);
      await records.put(
        'account',
        identity.sub,
        { scopes } satisfies Account,
        options.rememberSeconds,
      );
      await options.upstreamTokens.save(identity.sub, identity.tokens);
      result = { login: { accountId: identity.sub } };
      logger.info({ kind: 'oauth-login', scopes }, 'upstream login succeeded');
    } catch (error) {
      logger.warn({ kind: 'oauth-login', err: error }, 'upstream login failed');
      result = {
        error: 'access_denied',
        error_description: 'Sign-in at the identity provider failed',
      };
    }
    // The browser holds the interaction's resume cookie; oidc-provider picks the result up there.
    interaction.result = result;
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    return redirect(response, interaction.returnTo);
  }

  return { start, consent, callback };
}
