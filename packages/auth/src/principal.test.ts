import type { AuthInfo as SdkAuthInfo } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { type Principal, toAuthInfo } from './index.js';

const reader: Principal = {
  id: 'user-7',
  clientId: 'desktop-app',
  scopes: ['notes:read'],
  kind: 'oauth',
  expiresAt: 1_900_000_000,
  resource: 'https://mcp.example.com/mcp',
};

describe('toAuthInfo', () => {
  it('gives the SDK the principal, and the token only for OAuth', () => {
    const info: SdkAuthInfo = toAuthInfo(reader, 'eyJ.access.token');
    expect(info).toEqual({
      token: 'eyJ.access.token',
      clientId: 'desktop-app',
      scopes: ['notes:read'],
      expiresAt: 1_900_000_000,
      resource: new URL('https://mcp.example.com/mcp'),
      extra: { sub: 'user-7', kind: 'oauth' },
    });
    const service: Principal = { id: 'ci', clientId: 'ci', scopes: [], kind: 'apikey' };
    expect(toAuthInfo(service, 'mcpr_secret')).toEqual({
      token: '',
      clientId: 'ci',
      scopes: [],
      extra: { sub: 'ci', kind: 'apikey' },
    });
  });
});
