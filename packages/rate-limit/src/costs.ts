/**
 * What a call spends from the budget. An expensive tool (a report, a search over everything)
 * costs more points than a cheap one, so one budget covers both fairly.
 */

/**
 * Points per tool name: a map (the example server's `toolPolicies`, `{ [tool]: { cost } }`,
 * fits as it is, and so does `{ [tool]: number }`) or a function. Unlisted tools, and calls
 * that are not tool calls, cost 1.
 */
export type ToolCosts =
  | Readonly<Record<string, number | { readonly cost: number }>>
  | ((tool: string) => number | undefined);

/** rate-limiter-flexible counts whole points only. */
export function assertValidCost(cost: number, what: string): void {
  if (!Number.isInteger(cost) || cost < 0) {
    throw new TypeError(`${what} must be a whole number of points (0 or more), got ${cost}`);
  }
}

/** The cost of one call of `tool` (undefined for a request that is not a tool call). */
export function toolCost(costs: ToolCosts | undefined, tool: string | undefined): number {
  if (tool === undefined || costs === undefined) return 1;
  // Own properties only: a tool named "constructor" must not find Object.prototype's.
  const entry =
    typeof costs === 'function'
      ? costs(tool)
      : Object.hasOwn(costs, tool)
        ? costs[tool]
        : undefined;
  const cost = typeof entry === 'object' ? entry.cost : (entry ?? 1);
  assertValidCost(cost, `The cost of tool "${tool}"`);
  return cost;
}

/**
 * Fails at startup, not on the first call, when a cost map holds a bad value, or a cost no
 * budget could ever pay (the tool would be refused forever).
 */
export function assertValidCosts(costs: ToolCosts | undefined, points: number): void {
  if (costs === undefined || typeof costs === 'function') return;
  for (const tool of Object.keys(costs)) {
    const cost = toolCost(costs, tool);
    if (cost > points) {
      throw new RangeError(
        `Tool "${tool}" costs ${cost} points, more than the budget of ${points}`,
      );
    }
  }
}
