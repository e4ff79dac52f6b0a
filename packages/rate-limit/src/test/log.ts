import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@mcp-runway/logging';

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines(): { level: string; msg: string; [key: string]: unknown }[];
}

/** A real logger whose lines land in memory instead of stderr. */
export function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    logger: createLogger({ name: 'rate-limit-test', level: 'info', destination }),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}
