/**
 * The readiness checks as vitest tests: one test per check, failing with the check's details.
 * A check that does not apply passes, and its title says `n/a` and why (a skipped test would
 * fail CI, and a silent pass would hide it).
 *
 * The checks run while vitest collects the file (their outcome names the tests), so the server
 * must be listening by then: start it at the top of the file (top-level await), or inside the
 * options function, and close it in `afterAll`.
 */
import { afterAll, describe, it } from 'vitest';
import { formatReport, reasonOf } from './report.js';
import { checkReadiness } from './run.js';
import type { CheckResult, ReadinessOptions } from './types.js';

export type ReadinessOptionsSource =
  | ReadinessOptions
  | (() => ReadinessOptions | Promise<ReadinessOptions>);

export interface DescribeReadinessOptions {
  /** Runs after the suite (e.g. closes the server the options function started). */
  cleanup?: () => unknown;
}

function titleOf(check: CheckResult): string {
  return check.status === 'n/a'
    ? `${check.id}: n/a, ${reasonOf(check)}`
    : `${check.id}: ${check.title}`;
}

export class ReadinessCheckFailed extends Error {
  override name = 'ReadinessCheckFailed';
}

/** Registers one test per readiness check against the server `options` points at. */
export function describeReadiness(
  name: string,
  options: ReadinessOptionsSource,
  { cleanup }: DescribeReadinessOptions = {},
): void {
  describe(name, async () => {
    if (cleanup) afterAll(cleanup);
    const report = await checkReadiness(typeof options === 'function' ? await options() : options);
    for (const check of report.checks) {
      it(titleOf(check), () => {
        if (check.status === 'fail')
          throw new ReadinessCheckFailed(
            `${check.id} failed:\n${check.details.join('\n')}\n\n${formatReport(report)}`,
          );
      });
    }
  });
}
