/**
 * Which MCP scopes a signed-in person may be granted, from the claims their identity
 * provider vouches for (OAUTH_SCOPE_MAP). The consent page offers, and tokens carry, only
 * the requested scopes that the map allows.
 */

/** One way to earn a scope: everyone (`*`), or a claim holding a value. */
export type ScopeRule = { everyone: true } | { claim: string; value: string };
/** Scope -> the rules that grant it (any one is enough). */
export type ScopeMap = ReadonlyMap<string, readonly ScopeRule[]>;

/**
 * `notes:read=*; notes:write=groups:editors email:lead@example.com`: entries separated by `;`
 * or new lines, rules by spaces; a rule's claim name ends at its first `:`.
 */
export function parseScopeMap(text: string): ScopeMap {
  const map = new Map<string, ScopeRule[]>();
  for (const entry of text.split(/[;\n]/)) {
    if (!entry.trim()) continue;
    const eq = entry.indexOf('=');
    const scope = entry.slice(0, eq).trim();
    const rules = entry
      .slice(eq + 1)
      .split(/\s+/)
      .filter(Boolean);
    if (eq < 1 || !scope || rules.length === 0)
      throw new Error(`"${entry.trim()}" is not scope=rule (rule: * or claim:value)`);
    map.set(
      scope,
      rules.map((rule) => {
        if (rule === '*') return { everyone: true };
        const colon = rule.indexOf(':');
        if (colon < 1 || colon === rule.length - 1)
          throw new Error(`rule "${rule}" of ${scope} is neither * nor claim:value`);
        return { claim: rule.slice(0, colon), value: rule.slice(colon + 1) };
      }),
    );
  }
  return map;
}

function holds(claims: Readonly<Record<string, unknown>>, rule: ScopeRule): boolean {
  if ('everyone' in rule) return true;
  const value = claims[rule.claim];
  if (Array.isArray(value)) return value.includes(rule.value);
  return value === rule.value || (typeof value === 'boolean' && String(value) === rule.value);
}

/**
 * The scopes of `offered` this person may hold. No map: all of them (whoever the identity
 * provider lets sign in is trusted with every scope). A scope the map does not name: none.
 */
export function allowedScopes(
  map: ScopeMap | undefined,
  claims: Readonly<Record<string, unknown>>,
  offered: readonly string[],
): string[] {
  if (!map) return [...offered];
  return offered.filter((scope) => map.get(scope)?.some((rule) => holds(claims, rule)) ?? false);
}
