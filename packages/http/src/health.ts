export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; throws (or rejects) with the reason otherwise. */
  check(): Promise<void> | void;
}

/**
 * A dependency the app can do without for a while, because it falls back (Redis behind its
 * circuit breaker: per-instance limits, the sessions it holds). Reported in the readiness
 * body, never failing it: every instance shares the dependency, so failing readiness would
 * take them all out of the load balancer at once, while each could still serve.
 */
export interface DegradableDependency {
  name: string;
  /** What `/ready` shows about it; `degraded: true` while the app runs on its fallback. */
  report(): DependencyReport;
}

export interface DependencyReport {
  readonly degraded: boolean;
}

export interface HealthReport {
  status: 200 | 503;
  body: {
    status: 'ok' | 'unavailable';
    draining?: true;
    checks?: Record<string, string>;
    /** Ready, but at least one dependency runs on its fallback. */
    degraded?: true;
    dependencies?: Record<string, DependencyReport>;
  };
}

export interface HealthOptions {
  checks?: readonly ReadinessCheck[];
  /** Reported in the readiness body, never failing it (see {@link DegradableDependency}). */
  dependencies?: readonly DegradableDependency[];
  /** True once shutdown began: readiness turns 503 so the load balancer stops sending traffic. */
  isDraining(): boolean;
  /** A check slower than this counts as failed. @default 2000 */
  checkTimeoutMs?: number;
}

export interface Health {
  /** Liveness: the process is up and its event loop answers. Never depends on other services. */
  liveness(): HealthReport;
  /** Readiness: every check passes and the process is not draining. */
  readiness(): Promise<HealthReport>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export function createHealth(options: HealthOptions): Health {
  const checks = options.checks ?? [];
  const dependencies = options.dependencies ?? [];
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  return {
    liveness: () => ({ status: 200, body: { status: 'ok' } }),
    async readiness() {
      if (options.isDraining())
        return { status: 503, body: { status: 'unavailable', draining: true } };
      const results = await Promise.all(
        checks.map(async (check) => [check.name, await runCheck(check, timeoutMs)] as const),
      );
      const failed = results.some(([, result]) => result !== 'ok');
      const reports = dependencies.map(({ name, report }) => [name, report()] as const);
      return {
        status: failed ? 503 : 200,
        body: {
          status: failed ? 'unavailable' : 'ok',
          ...(results.length ? { checks: Object.fromEntries(results) } : {}),
          ...(reports.some(([, report]) => report.degraded) ? { degraded: true } : {}),
          ...(reports.length ? { dependencies: Object.fromEntries(reports) } : {}),
        },
      };
    },
  };
}
