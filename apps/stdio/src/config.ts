import { baseConfigSchema, positiveInt } from '@mcp-runway/config';
import type { z } from 'zod';

/** Everything the stdio app reads from the environment, in one place. */
export const configSchema = baseConfigSchema.extend({
  /** How long each section of the example `generate_report` tool takes. */
  REPORT_STEP_MS: positiveInt(250),
});

export type Config = z.infer<typeof configSchema>;
