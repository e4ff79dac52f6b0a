import type { CheckStatus } from './types.js';

export interface Outcome {
  status: CheckStatus;
  details: string[];
}

/**
 * What one check found, line by line. A check passes only when it verified something and
 * nothing failed: a check that verified nothing is a bug in the check, reported as a failure,
 * so no check can pass silently.
 */
export class Findings {
  readonly lines: string[] = [];
  private failures = 0;
  private verified = 0;
  private reason: string | undefined;

  ok(message: string): void {
    this.verified++;
    this.lines.push(`✓ ${message}`);
  }

  fail(message: string): void {
    this.failures++;
    this.lines.push(`✗ ${message}`);
  }

  note(message: string): void {
    this.lines.push(`- ${message}`);
  }

  /** Records `ok` or `fail`; returns whether it held, so a check can stop early. */
  expect(holds: boolean, ok: string, fail: string): boolean {
    if (holds) this.ok(ok);
    else this.fail(fail);
    return holds;
  }

  /** The check does not apply to this server; `reason` says why. Failures still win. */
  notApplicable(reason: string): Outcome {
    this.reason = reason;
    return this.outcome();
  }

  get failed(): boolean {
    return this.failures > 0;
  }

  outcome(): Outcome {
    if (this.failures > 0) return { status: 'fail', details: this.lines };
    if (this.reason !== undefined)
      return { status: 'n/a', details: [`n/a: ${this.reason}`, ...this.lines] };
    if (this.verified === 0)
      return { status: 'fail', details: ['✗ nothing was verified (a bug in the check)'] };
    return { status: 'pass', details: this.lines };
  }
}
