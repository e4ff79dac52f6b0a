import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { canonicalResourceUri, prmUrls, protectedResourceMetadata } from './index.js';

describe('canonicalResourceUri', () => {
  it('lowercases scheme and host and drops a trailing slash', () => {
    expect(canonicalResourceUri('HTTPS://MCP.Example.com/mcp/')).toBe(
      'https://mcp.example.com/mcp',
    );
    expect(canonicalResourceUri('https://mcp.example.com/')).toBe('https://mcp.example.com');
    expect(canonicalResourceUri('http://127.0.0.1:3000/mcp')).toBe('http://127.0.0.1:3000/mcp');
  });

  it('refuses plain http off loopback, fragments and non-URLs', () => {
    expect(() => canonicalResourceUri('http://mcp.example.com/mcp')).toThrow(/https/);
    expect(() => canonicalResourceUri('https://mcp.example.com/mcp#x')).toThrow(/fragment/);
    expect(() => canonicalResourceUri('/mcp')).toThrow(/absolute/);
    expect(() => canonicalResourceUri('https://me:hunter2@mcp.example.com/mcp')).toThrow(
      /^The resource URI must not carry credentials$/,
    );
  });
});

describe('prmUrls', () => {
  it('puts the well-known segment before the path, as the SDK does, and also serves the root', () => {
    const urls = prmUrls('https://mcp.example.com/mcp');
    expect(urls.url).toBe(
      getOAuthProtectedResourceMetadataUrl(new URL('https://mcp.example.com/mcp')),
    );
    expect(urls).toEqual({
      url: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
      paths: ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'],
    });
  });

  it('serves one path for a resource at the root', () => {
    expect(prmUrls('https://mcp.example.com')).toEqual({
      url: 'https://mcp.example.com/.well-known/oauth-protected-resource',
      paths: ['/.well-known/oauth-protected-resource'],
    });
  });
});

describe('protectedResourceMetadata', () => {
  it('describes the resource, its authorization servers, scopes and header-only bearer tokens', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp/',
        authorizationServers: ['https://login.example.com'],
        scopesSupported: ['notes:read', 'notes:write'],
        resourceName: 'Team notes',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://login.example.com'],
      scopes_supported: ['notes:read', 'notes:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Team notes',
    });
  });

  it('fails at startup on a missing or insecure authorization server', () => {
    const resource = 'https://mcp.example.com/mcp';
    expect(() => protectedResourceMetadata({ resource, authorizationServers: [] })).toThrow(
      /at least one/,
    );
    expect(() =>
      protectedResourceMetadata({ resource, authorizationServers: ['http://login.example.com'] }),
    ).toThrow(/https/);
  });
});
