/**
 * A project's environment files. `.env.example` documents every variable its apps read (taken
 * from mcp-runway's configuration reference, the table its tests keep in step with the
 * schemas); `.env` holds the choices made at scaffold time (the auth mode, a fresh API key's
 * hash) and is what `start` loads. `.env` is git-ignored and never leaves the machine.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Choices } from './options.js';
import type { AppName } from './parts.js';

export const CONFIGURATION_REFERENCE = '_docs/configuration.md';

export interface Variable {
  name: string;
  defaultValue: string;
  meaning: string;
  apps: string;
}

/** The rows of the reference's "Every variable" table. */
export function variables(reference: string): Variable[] {
  const rows: Variable[] = [];
  for (const line of reference.split('\n')) {
    const match = /^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \| (.*) \| ([^|]*) \|$/.exec(line);
    if (!match) continue;
    const [, name = '', defaultValue = '', meaning = '', apps = ''] = match;
    rows.push({ name, defaultValue, meaning, apps: apps.trim() });
  }
  return rows;
}

/** Whether a row's apps column names one of the project's apps. */
function readBy(variable: Variable, apps: readonly AppName[]): boolean {
  if (variable.apps === 'all') return true;
  return apps.some((app) => new RegExp(`\\b${app}\\b`).test(variable.apps));
}

const plain = (markdown: string) => markdown.replace(/`/g, '').replace(/\*/g, '');

export function envExample(reference: string, apps: readonly AppName[]): string {
  const lines = [
    '# Every variable the apps of this project read, with its default. Copy what you need into',
    '# .env (read by `start` and `dev`, git-ignored) or give it to your process manager,',
    '# compose file or Kubernetes manifests. Never commit real secrets.',
  ];
  for (const variable of variables(reference).filter((row) => readBy(row, apps))) {
    lines.push('', `# ${plain(variable.meaning)}`, `# Default: ${plain(variable.defaultValue)}.`);
    lines.push(`# ${variable.name}=`);
  }
  return `${lines.join('\n')}\n`;
}

/** A new API key (the format @mcp-runway/auth mints) and the config entry with its hash. */
export function mintApiKey(
  principal: string,
  scopes: readonly string[],
): { key: string; entry: string } {
  const key = `mcpr_${randomBytes(32).toString('base64url')}`;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  return { key, entry: `${principal}:${scopes.join(' ')}:${hash}` };
}

export interface EnvFile {
  text: string;
  /** The API key the file holds the hash of: shown once, never written. */
  apiKey?: string;
}

/** The project's own `.env`: what `start` runs with, from the choices. */
export function envFile(choices: Choices, apps: readonly AppName[]): EnvFile {
  const lines = [
    '# Scaffolded with create-mcp-runway from your choices; .env.example has the rest.',
  ];
  let apiKey: string | undefined;
  if (apps.some((app) => app !== 'stdio')) {
    lines.push(`AUTH_MODE=${choices.auth}`);
    if (choices.auth === 'apikey') {
      const minted = mintApiKey('me', choices.example === 'tickets' ? ['tickets:write'] : []);
      apiKey = minted.key;
      lines.push(
        '# The hash of the key printed when the project was made (only the hash is kept):',
        `API_KEYS=${minted.entry}`,
      );
    } else if (choices.auth === 'oauth') {
      lines.push(
        '# Your authorization server (start refuses to run until it is set), and, off loopback,',
        "# this server's public URL, the audience its tokens name:",
        '# OAUTH_ISSUER=https://login.example.com/',
        '# RESOURCE_URI=https://mcp.example.com/mcp',
      );
    }
    if (choices.state === 'redis') lines.push('REDIS_URL=redis://127.0.0.1:6379');
  }
  const text = `${lines.join('\n')}\n`;
  return apiKey === undefined ? { text } : { text, apiKey };
}
