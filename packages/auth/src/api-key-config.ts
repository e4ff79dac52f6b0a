/**
 * The API key configuration format, one entry per line (or comma-separated):
 *
 *   principal:scope1 scope2:sha256hex
 *
 * `principal` is the caller's id (no `:`, `,`, `#` or spaces); the scopes are space-separated
 * and may be empty (`reports-job::<hash>`); the last field is the SHA-256 of the key in hex.
 * Blank lines and lines starting with `#` are ignored. Rotation: list the new key's line
 * next to the old one, move the client over, then delete the old line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface ApiKeyEntry {
  readonly principal: string;
  readonly scopes: readonly string[];
  /** SHA-256 of the key, lowercase hex. The key itself is never stored. */
  readonly hash: string;
}

/** Marks our keys, so secret scanners and people recognise one that leaked. */
export const API_KEY_PREFIX = 'mcpr_';

const PRINCIPAL = /^[^\s:,#]+$/;
/** RFC 6749 scope-token, minus the comma this format uses as a separator. */
const SCOPE = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A new key: the prefix and 32 random bytes, base64url. Shown once, never stored. */
export function mintApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * A plain SHA-256 is enough here: keys carry 256 random bits, so there is nothing for a slow
 * password hash to protect against, and checking one costs a microsecond.
 */
export function hashApiKey(key: string): string {
  return apiKeyDigest(key).toString('hex');
}

/** The same hash as raw bytes, for constant-time comparison. */
export function apiKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** What is wrong with an entry, in words that never repeat its content; undefined if nothing. */
function entryProblem(entry: ApiKeyEntry): string | undefined {
  if (!PRINCIPAL.test(entry.principal))
    return 'the principal must be non-empty, without : , # or spaces';
  if (entry.scopes.some((scope) => !SCOPE.test(scope)))
    return 'each scope must be an OAuth scope token without commas';
  if (entry.hash.startsWith(API_KEY_PREFIX))
    return 'this is a plaintext key: put its hash here instead';
  if (!SHA256_HEX.test(entry.hash)) return 'the last field must be 64 hex characters (SHA-256)';
  return undefined;
}

/** One config line; throws rather than write a line the parser would read differently. */
export function formatApiKeyEntry(entry: ApiKeyEntry): string {
  const problem = entryProblem(entry);
  if (problem) throw new Error(`Cannot write this API key entry: ${problem}`);
  return `${entry.principal}:${entry.scopes.join(' ')}:${entry.hash}`;
}

function parseEntry(text: string): ApiKeyEntry | string {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first === -1 || first === last) return 'expected principal:scopes:sha256hex';
  const entry = {
    principal: text.slice(0, first).trim(),
    scopes: text
      .slice(first + 1, last)
      .trim()
      .split(/\s+/)
      .filter(Boolean),
    hash: text
      .slice(last + 1)
      .trim()
      .toLowerCase(),
  };
  return entryProblem(entry) ?? entry;
}

interface Source {
  text: string;
  /** How problems name where they are: `line 3`, `/run/secrets/api-keys line 3`. */
  label: string;
}

function parseSources(sources: readonly Source[]): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  for (const { text, label } of sources) {
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim().startsWith('#')) return;
      for (const item of line.split(',')) {
        if (!item.trim()) continue;
        const parsed = parseEntry(item);
        if (typeof parsed === 'string') problems.push(`${label}${index + 1}: ${parsed}`);
        else entries.push(parsed);
      }
    });
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.hash))
      problems.push(`one key is listed twice (principal ${entry.principal})`);
    seen.add(entry.hash);
  }
  if (problems.length)
    throw new Error(`Invalid API key configuration:\n  ${problems.join('\n  ')}`);
  return entries;
}

/**
 * Parses the format above. Every bad entry is reported at once, by position and never by
 * content, since a line pasted by mistake may hold a plaintext key.
 */
export function parseApiKeys(text: string): ApiKeyEntry[] {
  return parseSources([{ text, label: 'line ' }]);
}

export interface ApiKeySources {
  /** Entries inline, e.g. from `API_KEYS`. */
  value?: string | undefined;
  /** A mounted secret file, e.g. from `API_KEYS_FILE`. Read once, at startup. */
  file?: string | undefined;
}

/** Entries from an inline value and/or a secret file; both sources are combined. */
export async function loadApiKeys(sources: ApiKeySources): Promise<ApiKeyEntry[]> {
  const all: Source[] = [];
  if (sources.value) all.push({ text: sources.value, label: 'inline value, line ' });
  if (sources.file)
    all.push({ text: await readFile(sources.file, 'utf8'), label: `${sources.file} line ` });
  return parseSources(all);
}
