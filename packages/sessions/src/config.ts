import { bytes, configPiece, positiveInt } from '@mcp-runway/config';
import { z } from 'zod';

/** How long 2025 sessions live, how many one instance holds, and what each keeps. */
export const sessionsConfig = configPiece(
  {
    /** A session with no request, no open stream and nothing running this long ends (30 min). */
    SESSION_IDLE_TIMEOUT_MS: positiveInt(1_800_000),
    /** A session ends this long after initialize, however busy (24 h). */
    SESSION_MAX_LIFETIME_MS: positiveInt(86_400_000),
    /**
     * Sessions one instance holds, live or dormant; beyond it the least recently used dormant
     * one gives way to a new one, else initialize gets 503.
     */
    SESSION_MAX: positiveInt(10_000),
    /**
     * Sessions one principal (anonymous: one client address) holds on one instance; its
     * initialize beyond gets 429. Unset: a tenth of SESSION_MAX (at least 1).
     */
    SESSION_MAX_PER_PRINCIPAL: z.coerce.number().int().positive().optional(),
    /** An idle session hands back its McpServer (about 33 KB) and keeps a 1 KB record. */
    SESSION_DORMANT_AFTER_MS: positiveInt(60_000),
    /**
     * The most a session keeps of its client's initialize (protocol version, capabilities, client
     * name and version); a larger one gets 400, -32602.
     */
    SESSION_INITIALIZE_MAX_BYTES: bytes('8kb'),
  },
  (config, problem) => {
    // The smallest initialize a client sends is about 150 bytes; 1 KB leaves room for the usual.
    if (config.SESSION_INITIALIZE_MAX_BYTES < 1024) {
      problem('SESSION_INITIALIZE_MAX_BYTES', 'must be at least 1kb, or no client can initialize');
    }
  },
);

export type SessionsConfig = z.output<z.ZodObject<typeof sessionsConfig.shape>>;
