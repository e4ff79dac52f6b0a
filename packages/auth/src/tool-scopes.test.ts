import { describe, expect, it } from 'vitest';
import { checkToolScopes, type Principal, requiredScopes } from './index.js';

const challenge = {
  resourceMetadataUrl: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
};
const reader: Principal = {
  id: 'user-7',
  clientId: 'desktop-app',
  scopes: ['notes:read'],
  kind: 'oauth',
};
const policies = {
  search_notes: { scopes: [], cost: 1 },
  create_note: { scopes: ['notes:write'], cost: 1 },
};
const call = (toolName: string, method = 'tools/call') => ({ method, toolName });

describe('tool scopes', () => {
  it("requires a tool's scopes on tools/call only", () => {
    expect(requiredScopes(policies, call('create_note'))).toEqual(['notes:write']);
    expect(requiredScopes(policies, call('search_notes'))).toEqual([]);
    expect(requiredScopes(policies, call('create_note', 'prompts/get'))).toEqual([]);
    expect(requiredScopes(policies, undefined)).toEqual([]);
  });

  it('leaves unknown tools to the SDK, inherited object keys included', () => {
    expect(requiredScopes(policies, call('no_such_tool'))).toEqual([]);
    expect(requiredScopes(policies, call('constructor'))).toEqual([]);
  });

  it('fails closed without a principal', () => {
    expect(checkToolScopes(policies, call('create_note'), undefined, challenge)?.httpStatus).toBe(
      401,
    );
    expect(checkToolScopes(policies, call('create_note'), reader, challenge)?.httpStatus).toBe(403);
    expect(checkToolScopes(policies, call('search_notes'), undefined, challenge)).toBeUndefined();
  });
});
