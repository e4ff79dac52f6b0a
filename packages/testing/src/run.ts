import { checks } from './checks/index.js';
import { checkContext, createWire, profileServer, resolveOptions, type Wire } from './context.js';
import type { Outcome } from './findings.js';
import { LEGACY_VERSION } from './mcp.js';
import { redact, redactUrl, secretsOf } from './redact.js';
import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type ProtocolEra,
  type ReadinessOptions,
  type ReadinessReport,
} from './types.js';

function validateIds(ids: readonly string[] | undefined, option: string): void {
  const unknown = (ids ?? []).filter((id) => !CHECK_IDS.includes(id as CheckId));
  if (unknown.length > 0)
    throw new TypeError(
      `${option}: unknown check ${unknown.join(', ')}; the checks are ${CHECK_IDS.join(', ')}`,
    );
}

function validateEras(eras: readonly string[] | undefined): void {
  const known: readonly string[] = ['2025-11-25', '2026-07-28'];
  if (eras && (eras.length === 0 || eras.some((era) => !known.includes(era))))
    throw new TypeError(
      `eras: expected one or both of ${known.join(', ')}, got ${eras.join(', ') || 'none'}`,
    );
}

/** Ends every session the run opened: a readiness run should leave nothing behind. */
async function endSessions(wire: Wire, ids: Set<string>): Promise<void> {
  for (const id of ids) {
    await wire.send({
      url: wire.options.url,
      method: 'DELETE',
      headers: {
        'mcp-session-id': id,
        'mcp-protocol-version': LEGACY_VERSION,
        ...wire.options.headers,
      },
      read: 'headers',
    });
  }
}

/**
 * Points every selected check at a running MCP server and reports what each found. Checks run
 * one after another, so a server that breaks is caught by the check that broke it. Never
 * throws for what the server does (that is a failed check); throws for invalid options.
 */
export async function checkReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  validateIds(options.only, 'only');
  validateIds(options.skip, 'skip');
  validateEras(options.eras);
  const resolved = resolveOptions(options);
  const opened = new Set<string>();
  const wire = createWire(resolved, opened);
  const profile = await profileServer(wire);
  const context = checkContext(wire, profile);
  const secrets = secretsOf(resolved.headers);

  const results: CheckResult[] = [];
  for (const check of checks) {
    if (options.only && !options.only.includes(check.id)) continue;
    if (options.skip?.includes(check.id)) continue;
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await check.run(context);
    } catch (error) {
      outcome = { status: 'fail', details: [`✗ the check crashed: ${String(error)}`] };
    }
    results.push({
      id: check.id,
      title: check.title,
      status: outcome.status,
      details: outcome.details.map((line) => redact(line, secrets)),
      durationMs: Math.round(performance.now() - started),
    });
  }
  await endSessions(wire, opened);

  const eras: ProtocolEra[] = [];
  if (profile.legacyServed) eras.push('2025-11-25');
  if (profile.modernServed) eras.push('2026-07-28');
  return {
    url: redactUrl(resolved.url),
    ok: results.every((result) => result.status !== 'fail'),
    profile: {
      eras,
      sessions: profile.sessionId !== undefined,
      authRequired: profile.authRequired,
    },
    checks: results,
  };
}
