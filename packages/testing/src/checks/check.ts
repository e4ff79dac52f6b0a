import type { CheckContext } from '../context.js';
import type { Outcome } from '../findings.js';
import type { CheckId } from '../types.js';

export interface Check {
  id: CheckId;
  /** What a passing server does, as a sentence. */
  title: string;
  run(context: CheckContext): Promise<Outcome>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
