/** Reads the Prometheus text a registry exposes, the way Prometheus would. */
import type { Registry } from 'prom-client';

export type Samples = Map<string, number>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function keyOf(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((label) => `${label}="${labels[label]}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

export function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const [, name = '', rawLabels = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, label = '', labelValue = ''] of rawLabels.matchAll(LABEL)) {
      labels[label] = labelValue;
    }
    samples.set(keyOf(name, labels), Number(value));
  }
  return samples;
}

export async function scrape(registry: Registry): Promise<Samples> {
  return parseExposition(await registry.metrics());
}

/** One sample's value; undefined when the series is not exported at all. */
export function sample(
  samples: Samples,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.get(keyOf(name, labels));
}

/** How much each of `series` moved between two scrapes (absent before counts as 0). */
export function moved(before: Samples, after: Samples): Map<string, number> {
  const deltas = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) deltas.set(key, delta);
  }
  return deltas;
}

/**
 * The sum of every series of `name` whose labels include `labels` (a histogram's series differ
 * in labels a test may not care about, such as `mcp_protocol_version`).
 */
export function total(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    const has = ([label, v]: [string, string]) =>
      key.includes(`{${label}="${v}"`) || key.includes(`,${label}="${v}"`);
    if (Object.entries(labels).every(has)) sum += value;
  }
  return sum;
}
