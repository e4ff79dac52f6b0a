/**
 * Tool metrics: calls by tool and outcome, and a duration histogram per tool. The `tool` label
 * takes only declared names (at most 200); any other name a client sends is `other`.
 */
import { Counter, type Registry } from 'prom-client';
import { TOOL_OUTCOMES, type ToolOutcome } from './labels.js';
import { Rows, TallyHistogram } from './tally.js';

/** Tool calls last from milliseconds (a lookup) to tens of seconds (a report). */
export const TOOL_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];
const MAX_TOOLS = 200;

export interface ToolCallRecord {
  /** The requested name; counted under it if declared, else under `other`. */
  tool: string;
  outcome: ToolOutcome;
  seconds: number;
}

export interface ToolMetrics {
  toolCall(call: ToolCallRecord): void;
  toolLabel(name: string | undefined): string;
  declareTool(name: string): void;
}

export function toolMetrics(registers: Registry[], tools: Iterable<string>): ToolMetrics {
  const rows = new Rows(TOOL_OUTCOMES.length);
  new Counter({
    name: 'mcp_tool_calls_total',
    help: 'Tool calls by tool and outcome (ok, tool_error: isError result, protocol_error: JSON-RPC error).',
    labelNames: ['tool', 'outcome'] as const,
    registers,
    collect() {
      this.reset();
      for (const [tool, row] of rows.entries()) {
        TOOL_OUTCOMES.forEach((outcome, o) => {
          this.inc({ tool, outcome }, row[o]);
        });
      }
    },
  });
  const duration = new TallyHistogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'Tool call duration inside the server: input validation, the handler, output validation.',
    labelName: 'tool',
    buckets: TOOL_DURATION_BUCKETS,
    registers,
  });

  const declared = new Set<string>();
  const declareTool = (name: string): void => {
    if (declared.has(name) || declared.size >= MAX_TOOLS) return;
    declared.add(name);
    // Every declared tool is exported from the start, at 0, so rates and alerts see it.
    rows.row(name);
    duration.zero({ tool: name });
  };
  for (const name of tools) declareTool(name);
  rows.row('other');
  duration.zero({ tool: 'other' });
  const toolLabel = (name: string | undefined): string =>
    name !== undefined && declared.has(name) ? name : 'other';

  return {
    toolCall(call) {
      const tool = toolLabel(call.tool);
      rows.add(tool, TOOL_OUTCOMES.indexOf(call.outcome));
      duration.record(tool, call.seconds);
    },
    toolLabel,
    declareTool,
  };
}
