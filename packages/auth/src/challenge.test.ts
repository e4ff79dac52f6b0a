import { ForbiddenError, UnauthorizedError } from '@mcp-runway/errors';
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { bearerChallenge, checkScopes, type Principal, unauthorized } from './index.js';

const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const challenge = { resourceMetadataUrl: PRM, scopes: ['notes:read'] };
const reader: Principal = {
  id: 'user-7',
  clientId: 'desktop-app',
  scopes: ['notes:read'],
  kind: 'oauth',
  expiresAt: 1_900_000_000,
  resource: 'https://mcp.example.com/mcp',
};
const sdkRead = (header: string) =>
  extractWWWAuthenticateParams(new Response(null, { headers: { 'WWW-Authenticate': header } }));

describe('challenges', () => {
  it('asks for credentials with the metadata URL and the up-front scopes', () => {
    const error = unauthorized(challenge);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.httpStatus).toBe(401);
    expect(error.headers['WWW-Authenticate']).toBe(
      `Bearer scope="notes:read", resource_metadata="${PRM}"`,
    );
  });

  it('says invalid_token when a presented credential was refused', () => {
    const header =
      unauthorized(challenge, 'The access token expired').headers['WWW-Authenticate'] ?? '';
    expect(sdkRead(header)).toEqual({
      error: 'invalid_token',
      errorDescription: 'The access token expired',
      scope: 'notes:read',
      resourceMetadataUrl: new URL(PRM),
    });
  });

  it('answers a missing scope with 403 insufficient_scope naming only what this call needs', () => {
    const error = checkScopes(reader, ['notes:write'], challenge);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error?.httpStatus).toBe(403);
    expect(sdkRead(error?.headers['WWW-Authenticate'] ?? '')).toMatchObject({
      error: 'insufficient_scope',
      scope: 'notes:write',
      resourceMetadataUrl: new URL(PRM),
    });
    expect(checkScopes(reader, ['notes:read'], challenge)).toBeUndefined();
  });

  it('quotes values safely', () => {
    expect(bearerChallenge({ errorDescription: 'a "quoted" \\ value\n' })).toBe(
      'Bearer error_description="a \\"quoted\\" \\\\ value "',
    );
  });
});
