/**
 * The host configurations the pages show (```json file=.vscode/mcp.json and the like), checked
 * against what each host's documentation requires. CI cannot run VS Code, Cursor or Claude
 * Desktop, so a block is checked as configuration: the file it names says which host reads it,
 * and a misspelt field, a missing `type`, or another host's variable syntax fails here.
 * Claude Code's blocks are also run for real (runnable blocks, and claude-code.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFences } from './markdown.js';
import { docPages, repoRoot } from './repo.js';

type Host = 'vscode' | 'cursor' | 'claude-code' | 'claude-desktop';

/** Which host reads a file, by the name the block gives it. */
const HOSTS: Record<string, Host> = {
  '.vscode/mcp.json': 'vscode',
  '.cursor/mcp.json': 'cursor',
  '.mcp.json': 'claude-code',
  'claude_desktop_config.json': 'claude-desktop',
};

interface Rules {
  /** The top-level key that holds the servers, and the other keys the file may have. */
  serversKey: 'servers' | 'mcpServers';
  topLevel: readonly string[];
  /** The fields a local (launched) server may have, and a remote (URL) one; none: not allowed. */
  local: readonly string[];
  remote: readonly string[] | undefined;
  /** `type` must be given (VS Code), may be given (Claude Code, Cursor), or is not a field. */
  type: 'required' | 'optional' | 'none';
  /** `${...}` forms the host expands in values. */
  variables: RegExp;
}

const RULES: Record<Host, Rules> = {
  // code.visualstudio.com/docs/agents/reference/mcp-configuration (approved 2026-05-28)
  vscode: {
    serversKey: 'servers',
    topLevel: ['servers', 'inputs'],
    local: ['type', 'command', 'args', 'env', 'envFile', 'sandboxEnabled', 'sandbox', 'dev'],
    remote: ['type', 'url', 'headers', 'oauth', 'dev'],
    type: 'required',
    variables:
      /^(workspaceFolder|workspaceFolderBasename|userHome|pathSeparator|\/|cwd|(input|env|config):[\w.-]+)$/,
  },
  // cursor.com/docs/mcp (December 2026): the transport follows from `command` or `url`
  cursor: {
    serversKey: 'mcpServers',
    topLevel: ['mcpServers'],
    local: ['type', 'command', 'args', 'env', 'envFile'],
    remote: ['type', 'url', 'headers', 'auth'],
    type: 'optional',
    variables: /^(workspaceFolder|workspaceFolderBasename|userHome|pathSeparator|\/|env:\w+)$/,
  },
  // code.claude.com/docs/en/mcp and Claude Code 2.1.332's `claude mcp add`
  'claude-code': {
    serversKey: 'mcpServers',
    topLevel: ['mcpServers'],
    local: ['type', 'command', 'args', 'env'],
    remote: ['type', 'url', 'headers', 'headersHelper', 'oauth'],
    type: 'optional',
    variables: /^\w+(:-[^}]*)?$/,
  },
  // Claude Desktop launches what its config lists; remote servers are connectors, not entries.
  'claude-desktop': {
    serversKey: 'mcpServers',
    topLevel: ['mcpServers'],
    local: ['command', 'args', 'env'],
    remote: undefined,
    type: 'none',
    // It expands nothing: a `${NAME}` is for the launched program (mcp-remote) to replace,
    // from the entry's own `env` (checked below).
    variables: /^\w+$/,
  },
};

const TYPES: Record<'local' | 'remote', readonly string[]> = {
  local: ['stdio'],
  remote: ['http', 'sse'],
};

interface HostBlock {
  where: string;
  file: string;
  host: Host | undefined;
  json: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringRecord = (value: unknown): boolean =>
  isRecord(value) && Object.values(value).every((item) => typeof item === 'string');
const isStringArray = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Every `${...}` in the string values of a JSON value. */
function variablesIn(value: unknown): string[] {
  if (typeof value === 'string')
    return [...value.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(variablesIn);
  if (isRecord(value)) return Object.values(value).flatMap(variablesIn);
  return [];
}

/** What is wrong with one server entry, by the host's rules. */
function serverProblems(host: Host, name: string, server: unknown, inputs: Set<string>): string[] {
  const rules = RULES[host];
  if (!isRecord(server)) return [`${name}: not an object`];
  const kind = 'url' in server ? 'remote' : 'local';
  const problems: string[] = [];
  const allowed = kind === 'remote' ? rules.remote : rules.local;
  if (!allowed) return [`${name}: this host does not take a URL in its config file`];
  if ('url' in server && 'command' in server) problems.push(`${name}: both command and url`);
  for (const key of Object.keys(server)) {
    if (!allowed.includes(key)) problems.push(`${name}: unknown field "${key}" for this host`);
  }
  if (rules.type === 'required' && !('type' in server)) problems.push(`${name}: no "type"`);
  if ('type' in server && !TYPES[kind].includes(String(server.type))) {
    problems.push(`${name}: type "${String(server.type)}" for a ${kind} server`);
  }
  if (kind === 'local') {
    if (typeof server.command !== 'string' || !server.command) problems.push(`${name}: no command`);
    if ('args' in server && !isStringArray(server.args))
      problems.push(`${name}: args is not a list of strings`);
    if ('env' in server && !isStringRecord(server.env))
      problems.push(`${name}: env is not an object of strings`);
  } else {
    const url = String(server.url);
    if (!/^https?:\/\/[^/\s]+\/\S*$/.test(url)) problems.push(`${name}: url "${url}"`);
    if ('headers' in server && !isStringRecord(server.headers))
      problems.push(`${name}: headers is not an object of strings`);
  }
  for (const variable of variablesIn(server)) {
    if (!rules.variables.test(variable)) {
      problems.push(`${name}: \${${variable}} is not a variable this host expands`);
    } else if (variable.startsWith('input:') && !inputs.has(variable.slice('input:'.length))) {
      problems.push(`${name}: \${${variable}} has no entry in "inputs"`);
    }
    if (host === 'claude-desktop' && !(isRecord(server.env) && variable in server.env)) {
      problems.push(`${name}: \${${variable}} is not set in its env`);
    }
  }
  // A launched server's script is this repository's: it must exist once built.
  for (const arg of isStringArray(server.args) ? (server.args as string[]) : []) {
    const path = /(?:^|\/)((?:apps|packages)\/\S+\.m?js)$/.exec(arg)?.[1];
    if (path && !existsSync(join(repoRoot, path))) problems.push(`${name}: ${path} is not built`);
  }
  return problems;
}

/** What is wrong with a whole file for its host. */
export function configProblems(host: Host, json: unknown): string[] {
  const rules = RULES[host];
  if (!isRecord(json)) return ['not a JSON object'];
  const problems = Object.keys(json)
    .filter((key) => !rules.topLevel.includes(key))
    .map((key) => `unknown top-level key "${key}" (this host reads "${rules.serversKey}")`);
  const servers = json[rules.serversKey];
  if (!isRecord(servers) || Object.keys(servers).length === 0) {
    return [...problems, `no servers under "${rules.serversKey}"`];
  }
  const inputs = new Set<string>();
  if ('inputs' in json) {
    if (!Array.isArray(json.inputs)) problems.push('"inputs" is not a list');
    for (const input of Array.isArray(json.inputs) ? json.inputs : []) {
      const ok =
        isRecord(input) &&
        input.type === 'promptString' &&
        typeof input.id === 'string' &&
        typeof input.description === 'string' &&
        (!('password' in input) || typeof input.password === 'boolean');
      if (ok) inputs.add(input.id as string);
      else
        problems.push(`input ${JSON.stringify(input)}: needs type promptString, id, description`);
    }
  }
  for (const [name, server] of Object.entries(servers)) {
    if (!/^[A-Za-z][\w-]*$/.test(name)) problems.push(`server name "${name}"`);
    problems.push(...serverProblems(host, name, server, inputs));
  }
  return problems;
}

function hostBlocks(): HostBlock[] {
  return docPages().flatMap((page) =>
    parseFences(page.text)
      .filter((fence) => /^json(c)?\b/.test(fence.info))
      .map((fence) => {
        const file = /\bfile=(\S+)/.exec(fence.info)?.[1] ?? '';
        const base = Object.keys(HOSTS).find((name) => file === name || file.endsWith(`/${name}`));
        let json: unknown;
        try {
          json = JSON.parse(fence.code);
        } catch (error) {
          json = error as Error;
        }
        const host = base ? HOSTS[base] : undefined;
        return { where: `${page.file}:${fence.line}`, file, host, json };
      }),
  );
}

const blocks = hostBlocks();
const named = blocks.filter((block) => block.file);

describe('host configurations in the docs', () => {
  it('finds the blocks of the connect-a-host guide, one or more for each host', () => {
    const guide = named.filter((block) => block.where.startsWith('docs/guides/connect-a-host.md'));
    expect(new Set(guide.map((block) => block.host))).toEqual(
      new Set(['vscode', 'cursor', 'claude-code', 'claude-desktop']),
    );
  });

  it('says which file every server list is for (```json file=<name>), so none goes unchecked', () => {
    const unnamed = blocks
      .filter((block) => !block.file && isRecord(block.json))
      .filter(
        (block) => 'mcpServers' in (block.json as object) || 'servers' in (block.json as object),
      )
      .map((block) => block.where);
    expect(unnamed).toEqual([]);
  });

  it.each(named.map((block) => [`${block.where} (${block.file})`, block] as const))(
    '%s has the fields and variables its host requires',
    (_name, block) => {
      expect(block.host, `no host reads ${block.file}`).toBeDefined();
      expect(block.json, 'not valid JSON').not.toBeInstanceOf(Error);
      expect(configProblems(block.host as Host, block.json)).toEqual([]);
    },
  );

  it('the shipped .vscode/mcp.json passes too, and the guide shows it as it is', () => {
    const shipped: unknown = JSON.parse(readFileSync(join(repoRoot, '.vscode/mcp.json'), 'utf8'));
    expect(configProblems('vscode', shipped)).toEqual([]);
    const shown = named.filter(
      (block) =>
        block.where.startsWith('docs/guides/connect-a-host.md') &&
        block.file === '.vscode/mcp.json',
    );
    expect(shown.map((block) => block.json)).toContainEqual(shipped);
  });

  it('fails a typo, a missing type and another host’s variable syntax', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's syntax, not a template
    const vsCodeInput = '${input:k}';
    expect(configProblems('vscode', { servers: { a: { command: 'node', arg: [] } } })).toEqual([
      'a: unknown field "arg" for this host',
      'a: no "type"',
    ]);
    expect(
      configProblems('cursor', {
        mcpServers: { a: { url: 'http://127.0.0.1:3000/mcp', headers: { A: vsCodeInput } } },
      }),
    ).toEqual([`a: ${vsCodeInput} is not a variable this host expands`]);
    expect(
      configProblems('claude-desktop', { mcpServers: { a: { url: 'https://x.example/mcp' } } }),
    ).toEqual(['a: this host does not take a URL in its config file']);
    expect(
      configProblems('claude-code', { mcpServers: { a: { type: 'http', command: 'node' } } }),
    ).toEqual(['a: type "http" for a local server']);
  });
});
