import { configPiece } from '@mcp-runway/config';
import { z } from 'zod';

/**
 * The audit trail (one record per tool call and per authentication decision): `stderr` (the
 * default: its own JSON lines, `"audit":true`, beside the app log, for the platform's
 * collector), `file:<path>` (appended, for a log shipper), `stdout` (never in stdio mode) or
 * `off`.
 */
export const auditConfig = configPiece({
  AUDIT_LOG: z
    .string()
    .regex(/^(off|stderr|stdout|file:.+)$/, 'expected off, stderr, stdout or file:<path>')
    .default('stderr'),
});

export type AuditConfig = z.output<z.ZodObject<typeof auditConfig.shape>>;
