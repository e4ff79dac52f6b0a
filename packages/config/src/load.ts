import type { z } from 'zod';
import { secretFields } from './fields.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Every problem with the environment, one line each, so the operator fixes them in one go. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Reads and validates the environment once. Throws a {@link ConfigError} listing every problem. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  // Empty strings mean "unset" (a blank line in a .env file), so defaults still apply.
  const input = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  );
}

/**
 * Loads the config or, on failure, writes every problem to stderr and exits with status 1.
 * For an app's entry file: configuration errors are fatal and should read well.
 */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: Env = process.env,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function maskUrlPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = 'REDACTED';
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * A copy of the config safe to print or log: fields marked with `secret()` become
 * `[REDACTED]`, and passwords inside URLs (redis://:pw@host) are masked.
 */
export function redactConfig<S extends z.ZodObject>(
  schema: S,
  config: z.infer<S>,
): Record<string, unknown> {
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.fromEntries(
    Object.entries(config as Record<string, unknown>).map(([key, value]) => {
      const field = shape[key];
      if (field && secretFields.has(field) && value !== undefined) return [key, '[REDACTED]'];
      return [key, typeof value === 'string' ? maskUrlPassword(value) : value];
    }),
  );
}
