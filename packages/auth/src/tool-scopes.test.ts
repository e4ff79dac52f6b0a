import { describe, expect, it } from 'vitest';
import { checkToolScopes, type Principal, requiredScopes } from './index.js';

const challenge = {
  resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
};
const reader: Principal = {
  id: 'user-7',
  clientId: 'desktop-app',
  scopes: ['tickets:read'],
  kind: 'oauth',
};
const policies = {
  search_tickets: { scopes: [], cost: 1 },
  create_ticket: { scopes: ['tickets:write'], cost: 1 },
};
const call = (toolName: string, method = 'tools/call') => ({ method, toolName });

describe('tool scopes', () => {
  it("requires a tool's scopes on tools/call only", () => {
    expect(requiredScopes(policies, call('create_ticket'))).toEqual(['tickets:write']);
    expect(requiredScopes(policies, call('search_tickets'))).toEqual([]);
    expect(requiredScopes(policies, call('create_ticket', 'prompts/get'))).toEqual([]);
    expect(requiredScopes(policies, undefined)).toEqual([]);
  });

  it('leaves unknown tools to the SDK, inherited object keys included', () => {
    expect(requiredScopes(policies, call('no_such_tool'))).toEqual([]);
    expect(requiredScopes(policies, call('constructor'))).toEqual([]);
  });

  it('fails closed without a principal', () => {
    expect(checkToolScopes(policies, call('create_ticket'), undefined, challenge)?.httpStatus).toBe(
      401,
    );
    expect(checkToolScopes(policies, call('create_ticket'), reader, challenge)?.httpStatus).toBe(
      403,
    );
    expect(checkToolScopes(policies, call('search_tickets'), undefined, challenge)).toBeUndefined();
  });
});
