/**
 * The ops artefacts in infra/observability against this package: Prometheus accepts the config
 * and the rules (promtool, from the Debian package `prometheus`), the rules behave as their unit
 * tests say, and every metric the rules and the dashboard query is one the registry exports.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

const INFRA = fileURLToPath(new URL('../../../infra/observability/', import.meta.url));
const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: INFRA });
    return stdout + stderr;
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: string; stdout?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw new Error('promtool is not installed: apt-get install prometheus (Debian/Ubuntu)');
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** Every metric the registry exports, with the series names a histogram or summary adds. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    const type = String(metric.type);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    if (type === 'summary')
      for (const suffix of ['_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
]);

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers,
 * ranges, grouping label lists and Grafana variables are removed, that are not functions
 * (followed by `(`) or keywords.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names: string[] = [];
  for (const match of bare.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(match[0])) continue;
    names.push(match[0]);
  }
  return names;
}

/** The `expr` of every rule, inline or as a block scalar (enough YAML for alerts.yml). */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const expressions: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)expr:\s*(.*)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, indent = '', rest = ''] = match;
    if (rest !== '' && !/^[|>][-+]?$/.test(rest)) {
      expressions.push(rest);
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[i + 1] ?? '';
      if (next.trim() !== '' && next.search(/\S/) <= indent.length) break;
      block.push(next);
      i++;
    }
    expressions.push(block.join('\n'));
  }
  return expressions;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; query: string | { query: string } }[] };
}

const alertsYaml = readFileSync(`${INFRA}alerts.yml`, 'utf8');
const dashboard = JSON.parse(readFileSync(`${INFRA}grafana/mcp-runway.json`, 'utf8')) as Dashboard;
const dashboardExpressions = dashboard.panels
  .flatMap((panel) => panel.targets ?? [])
  .map((t) => t.expr);
const variableMetrics = dashboard.templating.list.flatMap((variable) => {
  const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
  return [...query.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map(
    (m) => m[1] as string,
  );
});
/** Series Prometheus makes itself, not the app. */
const PROMETHEUS_SERIES = new Set(['up']);

describe('infra/observability', () => {
  it('passes promtool check config (and the rule files it loads)', async () => {
    expect(await promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  it('passes promtool check rules', async () => {
    expect(await promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 9 rules found');
  });

  it('passes the alert unit tests (promtool test rules)', async () => {
    expect(await promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('has every alert the runbook needs, each with for, severity, summary and description', () => {
    const rules = alertsYaml.split(/^\s*- alert: /m).slice(1);
    const names = rules.map((rule) => rule.split('\n')[0]?.trim());
    expect(names).toEqual(
      expect.arrayContaining([
        'MCPInstanceNotReady',
        'MCPErrorRateHigh',
        'MCPToolCallSlow',
        'MCPInitializeSuccessLow',
        'MCPSessionsNearLimit',
        'MCPRateLimitSpike',
        'MCPRedisCircuitOpen',
      ]),
    );
    for (const rule of rules) {
      expect(rule).toMatch(/\n\s+for: \d+m\n/);
      expect(rule).toMatch(/\n\s+severity: (critical|warning)\n/);
      expect(rule).toMatch(/\n\s+summary: /);
      expect(rule).toMatch(/\n\s+description: /);
    }
  });

  it('queries, in the rules and the dashboard, only metrics the registry exports', async () => {
    const exported = await exportedNames();
    const expressions = [...ruleExpressions(alertsYaml), ...dashboardExpressions];
    expect(ruleExpressions(alertsYaml)).toHaveLength(9);
    const referenced = new Set([...expressions.flatMap(metricNames), ...variableMetrics]);
    expect(referenced.size).toBeGreaterThan(20);
    const unknown = [...referenced].filter(
      (name) => !exported.has(name) && !PROMETHEUS_SERIES.has(name),
    );
    expect(unknown).toEqual([]);
  });

  it('has a dashboard panel for every MCP metric', async () => {
    const mcpMetrics = [...(await exportedNames())].filter(
      (name) => name.startsWith('mcp_') && !/_(bucket|sum|count)$/.test(name),
    );
    const queried = dashboardExpressions.flatMap(metricNames).join(' ');
    const missing = mcpMetrics.filter(
      (name) => !new RegExp(`\\b${name}(_bucket|_sum|_count)?\\b`).test(queried),
    );
    expect(missing).toEqual([]);
  });

  it('is a well-formed Grafana dashboard', () => {
    expect(dashboard).toMatchObject({ uid: 'mcp-runway', title: 'mcp-runway' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.title).not.toBe('');
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      // A Grafana variable, not a template literal: every panel follows the data source picker.
      const datasource = ['$', '{datasource}'].join('');
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: datasource });
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.expr).toMatch(/job="\$job"/);
    }
  });

  it('reads metric names out of PromQL the way the checks above rely on', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (gen_ai_tool_name, le) (rate(mcp_server_operation_duration_seconds_bucket{job="$job", le!="x"}[$__rate_interval]))) > 5 and on (job) up offset 5m',
      ),
    ).toEqual(['mcp_server_operation_duration_seconds_bucket', 'up']);
    expect(metricNames('mcp_sessions_active / (mcp_sessions_max > 0) > 0.9')).toEqual([
      'mcp_sessions_active',
      'mcp_sessions_max',
    ]);
  });
});
