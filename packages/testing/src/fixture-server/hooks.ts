/**
 * A Node module-resolution hook (registered by register.ts) that answers one specifier, the
 * app's server package, with the fixture server. Only ever loaded into test processes.
 */
const replaced = process.env.MCP_RUNWAY_FIXTURE_FOR;
const fixture = new URL('./as-module.js', import.meta.url).href;

type Next = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: Next): Promise<unknown> {
  if (replaced && specifier === replaced) return { url: fixture, shortCircuit: true };
  return next(specifier, context);
}
