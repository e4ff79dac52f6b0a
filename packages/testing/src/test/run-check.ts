import { expect } from 'vitest';
import { checkReadiness } from '../run.js';
import type { CheckId, CheckResult, ReadinessOptions } from '../types.js';
import { ALLOWED_ORIGIN, type BrokenServerOptions, startBrokenServer } from './broken-server.js';

/**
 * Starts the broken server with `server`'s settings and faults, runs one check against it
 * (with the allowed origin and the credentials, unless `options` says otherwise; `origin:
 * null` for none), and stops it.
 */
export async function runCheck(
  id: CheckId,
  server: BrokenServerOptions = {},
  {
    origin = ALLOWED_ORIGIN,
    ...options
  }: Omit<Partial<ReadinessOptions>, 'origin'> & {
    origin?: string | null;
  } = {},
): Promise<CheckResult> {
  const running = await startBrokenServer(server);
  try {
    const report = await checkReadiness({
      url: running.url,
      headers: running.credentials,
      ...(origin !== null && { origin }),
      ...options,
      only: [id],
    });
    const [result] = report.checks;
    if (!result) throw new Error(`${id} did not run`);
    return result;
  } finally {
    await running.close();
  }
}

/** The check failed, and said each of `lines` (the start of a `✗` detail line, expected vs got). */
export function expectFailure(result: CheckResult, ...lines: string[]): void {
  const details = result.details.join('\n');
  expect(result.status, details).toBe('fail');
  for (const line of lines)
    expect(
      result.details.some((detail) => detail.startsWith(`✗ ${line}`)),
      `no detail starts with "✗ ${line}" in:\n${details}`,
    ).toBe(true);
}
