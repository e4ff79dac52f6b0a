import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { guarded, structured, type ToolModule } from '../module.js';
import type { Ticket } from '../store.js';
import { cachedJsonSchema } from './cached-json-schema.js';

const SECTIONS = ['status', 'priority', 'assignees', 'unassigned', 'labels'] as const;
type Section = (typeof SECTIONS)[number];
/** A section lists at most this many lines, then says how many more there are. */
const MAX_LINES = 50;

// Each section at most once: the call's work (one step per section) is bounded by the five
// sections, whatever the arguments say, and so is its output.
const inputSchema = cachedJsonSchema(
  z.object({
    sections: z
      .array(z.enum(SECTIONS))
      .min(1)
      .max(SECTIONS.length)
      .refine((names) => new Set(names).size === names.length, 'name each section at most once')
      .default([...SECTIONS])
      .describe('Which sections to write, in order, each at most once'),
  }),
);

const outputSchema = cachedJsonSchema(
  z.object({
    sections: z.array(z.object({ name: z.enum(SECTIONS), lines: z.array(z.string()) })),
  }),
);

function countBy(tickets: Ticket[], key: (ticket: Ticket) => string[]): string[] {
  const counts = new Map<string, number>();
  for (const ticket of tickets)
    for (const value of key(ticket)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([value, count]) => `${value}: ${count}`);
}

function writeSection(section: Section, tickets: Ticket[]): string[] {
  const lines = sectionLines(section, tickets);
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `... and ${lines.length - MAX_LINES} more`];
}

function sectionLines(section: Section, tickets: Ticket[]): string[] {
  switch (section) {
    case 'status':
      return countBy(tickets, (t) => [t.status]);
    case 'priority':
      return countBy(tickets, (t) => [t.priority]);
    case 'assignees':
      return countBy(tickets, (t) => (t.assignee ? [t.assignee] : []));
    case 'unassigned':
      return tickets
        .filter((t) => !t.assignee && t.status !== 'closed')
        .map((t) => `${t.id} ${t.title}`);
    case 'labels':
      return countBy(tickets, (t) => t.labels);
  }
}

async function progress(
  ctx: ServerContext,
  done: number,
  total: number,
  message: string,
): Promise<void> {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return;
  await ctx.mcpReq.notify({
    method: 'notifications/progress',
    params: { progressToken, progress: done, total, message },
  });
}

/**
 * Long-running: one section at a time, a progress notification after each, and it stops at
 * the next boundary when the client cancels (2025: notifications/cancelled; 2026: the client
 * closes the response stream). Both arrive as `ctx.mcpReq.signal`.
 */
export const generateReport: ToolModule = {
  name: 'generate_report',
  scopes: [],
  cost: 5,
  register(server, deps: ServerDeps) {
    server.registerTool(
      this.name,
      {
        title: 'Generate a board report',
        description:
          'Write a report on the ticket board, section by section, with progress updates.',
        inputSchema,
        outputSchema,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      guarded(this.name, deps, async ({ sections }, ctx) => {
        const { signal } = ctx.mcpReq;
        const { tickets } = await deps.store.list();
        const written: { name: Section; lines: string[] }[] = [];
        for (const [index, name] of sections.entries()) {
          try {
            await sleep(deps.reportStepMs, undefined, { signal }); // stands in for real work
          } catch {
            deps.logger.info(
              { tool: this.name, written: written.length, of: sections.length },
              'report cancelled',
            );
            return { content: [{ type: 'text', text: 'Report cancelled.' }], isError: true };
          }
          written.push({ name, lines: writeSection(name, tickets) });
          await progress(ctx, index + 1, sections.length, `Wrote the ${name} section`);
        }
        const text = written
          .map((s) => `## ${s.name}\n${s.lines.join('\n') || '(none)'}`)
          .join('\n\n');
        return structured({ sections: written }, text);
      }),
    );
  },
};
