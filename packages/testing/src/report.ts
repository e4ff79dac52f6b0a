import type { CheckResult, ReadinessReport } from './types.js';

const LABEL = { pass: 'PASS', fail: 'FAIL', 'n/a': 'N/A ' } as const;

export interface FormatOptions {
  /** Every detail line of every check, not only of the failed and n/a ones. */
  verbose?: boolean;
}

/** The n/a reason, for titles: "no allowed origin given (...)". */
export function reasonOf(result: CheckResult): string {
  return (result.details[0] ?? '').replace(/^n\/a: /, '');
}

/** A plain-text table: one line per check, then the details that explain a failure or an n/a. */
export function formatReport(report: ReadinessReport, options: FormatOptions = {}): string {
  const { profile } = report;
  const width = Math.max(...report.checks.map((check) => check.id.length), 2);
  const lines = [
    `MCP readiness: ${report.url}`,
    `  eras served: ${profile.eras.join(', ') || 'none'} · sessions: ${profile.sessions ? 'yes' : 'no'} · auth: ${profile.authRequired ? 'required' : 'none'}`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`${LABEL[check.status]}  ${check.id.padEnd(width)}  ${check.title}`);
    if (options.verbose || check.status !== 'pass')
      for (const detail of check.details) lines.push(`      ${' '.repeat(width)}  ${detail}`);
  }
  const count = (status: CheckResult['status']) =>
    report.checks.filter((check) => check.status === status).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('n/a')} n/a`);
  return `${lines.join('\n')}\n`;
}
