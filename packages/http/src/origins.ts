/**
 * Origin and host allowlists, shared by CORS and the DNS-rebinding guard.
 *
 * Origin patterns are exact origins (`https://app.example.com`) or an origin with a port
 * wildcard (`http://localhost:*`). Host entries are host names (`mcp.example.com`, any port)
 * or `host:port` (that port only).
 */
import { isLoopbackAddress } from '@mcp-runway/config';

export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
export const LOOPBACK_ORIGINS: readonly string[] = [
  'http://localhost:*',
  'http://127.0.0.1:*',
  'http://[::1]:*',
];

export { isLoopbackAddress };

/** `Host: example.com:8080` -> `example.com`; `[::1]:3000` -> `[::1]`. Lowercased. */
export function hostnameOf(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

export function hostAllowed(host: string | null | undefined, allowed: readonly string[]): boolean {
  if (!host) return false;
  const lower = host.trim().toLowerCase();
  const name = hostnameOf(lower);
  return allowed.some((entry) => {
    const wanted = entry.toLowerCase();
    return wanted === name || wanted === lower;
  });
}

export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const lower = origin.toLowerCase();
  return patterns.some((pattern) => {
    const wanted = pattern.toLowerCase();
    if (wanted === '*' || wanted === lower) return true;
    if (!wanted.endsWith(':*')) return false;
    const base = wanted.slice(0, -2);
    return (
      lower === base || (lower.startsWith(`${base}:`) && /^\d+$/.test(lower.slice(base.length + 1)))
    );
  });
}

/**
 * The Host and Origin allowlists an app uses: what it configured, or, on a loopback bind with
 * nothing configured, the loopback names. A public bind with nothing configured gets empty
 * lists (the apps' config refuses to start that way).
 */
export function allowlistsFor(config: {
  HOST: string;
  ALLOWED_HOSTS: readonly string[];
  ALLOWED_ORIGINS: readonly string[];
}): { allowedHosts: readonly string[]; allowedOrigins: readonly string[] } {
  const local = isLoopbackAddress(config.HOST);
  return {
    allowedHosts: config.ALLOWED_HOSTS.length ? config.ALLOWED_HOSTS : local ? LOOPBACK_HOSTS : [],
    allowedOrigins: config.ALLOWED_ORIGINS.length
      ? config.ALLOWED_ORIGINS
      : local
        ? LOOPBACK_ORIGINS
        : [],
  };
}
