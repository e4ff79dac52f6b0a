export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency is usable; throws (or rejects) with the reason otherwise. */
  check(): Promise<void> | void;
}

export interface HealthReport {
  status: 200 | 503;
  body: { status: 'ok' | 'unavailable'; draining?: true; checks?: Record<string, string> };
}

export interface HealthOptions {
  checks?: readonly ReadinessCheck[];
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
      return {
        status: failed ? 503 : 200,
        body: {
          status: failed ? 'unavailable' : 'ok',
          ...(results.length ? { checks: Object.fromEntries(results) } : {}),
        },
      };
    },
  };
}
