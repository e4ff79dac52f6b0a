/** Everything the stdio app reads from the environment: the base variables and the server's own. */
import { composeConfig } from '@mcp-runway/config';
import { settings as serverSettings } from '@mcp-runway/example-server';
import type { z } from 'zod';

export const configSchema = composeConfig(serverSettings);

export type Config = z.infer<typeof configSchema>;
