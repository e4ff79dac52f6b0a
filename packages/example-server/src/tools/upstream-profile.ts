import { ToolError } from '@mcp-runway/errors';
import { z } from 'zod';
import { upstreamOf } from '../caller.js';
import { guarded, structured, type ToolModule } from '../module.js';
import { cachedJsonSchema } from './cached-json-schema.js';

const inputSchema = cachedJsonSchema(z.object({}));
const outputSchema = cachedJsonSchema(z.object({ profile: z.record(z.string(), z.unknown()) }));
/** The most of a provider's answer read: a profile, not a download. */
const MAX_BYTES = 64 * 1024;

const NOT_SIGNED_IN =
  'No identity-provider account is linked to this connection: upstream_profile works when the ' +
  'server logs people in through their company identity provider (OAUTH_SERVER=builtin).';

/**
 * Calls the company identity provider on the caller's behalf (their user info), with the
 * upstream token the built-in authorization server keeps for them: the MCP client never
 * holds that token, and this tool never sees more of it than a request made with it.
 */
export const upstreamProfile: ToolModule = {
  name: 'upstream_profile',
  scopes: [],
  cost: 2,
  register(server, deps) {
    server.registerTool(
      this.name,
      {
        title: 'My identity-provider profile',
        description:
          "The caller's own profile at their company identity provider (name, email, groups).",
        inputSchema,
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: true },
      },
      guarded(this.name, deps, async (_args, ctx) => {
        const upstream = upstreamOf(ctx);
        if (!upstream) throw new ToolError(NOT_SIGNED_IN);
        const url = await upstream.userinfoUrl().catch(() => undefined);
        if (!url) throw new ToolError('The identity provider has no user-info endpoint.');
        let response: Response;
        try {
          response = await upstream.fetch(url, {
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(5_000),
          });
        } catch (error) {
          if ((error as Error).name === 'UpstreamTokenUnavailableError')
            throw new ToolError(
              'Your identity-provider sign-in has expired: sign in to this server again.',
            );
          throw error;
        }
        const body = await response.text();
        if (!response.ok || body.length > MAX_BYTES)
          throw new ToolError(
            `The identity provider answered ${response.status}; try again later or sign in again.`,
          );
        const profile = JSON.parse(body) as Record<string, unknown>;
        const name = profile.name ?? profile.email ?? profile.sub;
        return structured({ profile }, `Signed in upstream as ${String(name)}.`);
      }),
    );
  },
};
