/**
 * Credentials never reach a report: a server may echo a token in an error, and reports end up
 * in CI logs. Every header value given, and the token part of `Bearer …`, is replaced.
 */
export const REDACTED = '[redacted]';

export function secretsOf(headers: Record<string, string>): string[] {
  const values = Object.values(headers).flatMap((value) => [value, value.replace(/^\S+\s+/, '')]);
  // Longest first, so a whole value goes before the token inside it.
  return [...new Set(values.map((value) => value.trim()))]
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(REDACTED);
  return result;
}

/** A URL with its password (if any) removed. */
export function redactUrl(url: URL): string {
  const copy = new URL(url);
  if (copy.password) copy.password = REDACTED;
  return copy.href;
}
