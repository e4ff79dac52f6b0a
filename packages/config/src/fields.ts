import { z } from 'zod';

/**
 * Field builders for environment variables. Every value in `process.env` is a string (or
 * missing); these turn the usual spellings into typed values with readable errors.
 */

/** Marks a field as secret: {@link redactConfig} prints it as `[REDACTED]`. */
export const secretFields = z.registry<{ secret: true }>();

export function secret<T extends z.ZodType>(schema: T): T {
  secretFields.add(schema, { secret: true });
  return schema;
}

/** `true/false/1/0/yes/no/on/off`, case-insensitive. */
export function boolean(defaultValue: boolean) {
  return z.stringbool().default(defaultValue);
}

export function port(defaultValue: number) {
  return z.coerce.number().int().min(0).max(65_535).default(defaultValue);
}

export function positiveInt(defaultValue: number) {
  return z.coerce.number().int().positive().default(defaultValue);
}

/** A comma-separated list; blanks dropped. Unset means an empty list. */
export function list() {
  return z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A byte size such as `1048576`, `512kb` or `4mb`. */
export function bytes(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((value, ctx) => {
      const match = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
      if (!match?.[1]) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a size like 1048576, 512kb or 4mb, got "${value}"`,
        });
        return z.NEVER;
      }
      return Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1);
    });
}

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The variables every app reads. Apps extend this object with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: logLevel.default('info'),
  /** Defaults to `json` in production and `pretty` elsewhere; see {@link logFormatFor}. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export function logFormatFor(config: BaseConfig): 'json' | 'pretty' {
  return config.LOG_FORMAT ?? (config.NODE_ENV === 'production' ? 'json' : 'pretty');
}

/** `localhost`, `127.x.y.z` or `::1`: an address other machines cannot reach. */
export function isLoopbackAddress(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}
