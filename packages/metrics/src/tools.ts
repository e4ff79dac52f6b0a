/**
 * Tool calls: the `gen_ai.tool.name` label takes only declared names (at most 200); any other
 * name a client sends is `_OTHER`. A call is one `mcp.server.operation.duration` sample
 * (operations.ts), with `error.type` `tool_error` for an `isError` result.
 */
import { OTHER, type ToolOutcome } from './labels.js';
import { errorTypeOf, type NetworkTransport, type OperationMetrics } from './operations.js';

const MAX_TOOLS = 200;

export interface ToolCallRecord {
  /** The requested name; labelled with it if declared, else `_OTHER`. */
  tool: string;
  outcome: ToolOutcome;
  seconds: number;
  /** The thrown error of a `protocol_error` (its JSON-RPC code becomes `error.type`). */
  error?: unknown;
  /** `mcp.protocol.version` of the request. */
  protocolVersion?: string | undefined;
  /** @default 'tcp' */
  transport?: NetworkTransport | undefined;
}

export interface ToolMetrics {
  toolCall(call: ToolCallRecord): void;
  toolLabel(name: string | undefined): string;
  declareTool(name: string): void;
  promptLabel(name: string | undefined): string;
  declarePrompt(name: string): void;
}

export function toolMetrics(operations: OperationMetrics, tools: Iterable<string>): ToolMetrics {
  const declared = new Set<string>();
  const declareTool = (name: string): void => {
    if (declared.has(name) || declared.size >= MAX_TOOLS) return;
    declared.add(name);
    operations.zeroTool(name);
  };
  for (const name of tools) declareTool(name);
  const toolLabel = (name: string | undefined): string =>
    name !== undefined && declared.has(name) ? name : OTHER;
  // Prompts the same way: `gen_ai.prompt.name` and span names take declared names only.
  const prompts = new Set<string>();
  const declarePrompt = (name: string): void => {
    if (prompts.size < MAX_TOOLS) prompts.add(name);
  };
  const promptLabel = (name: string | undefined): string =>
    name !== undefined && prompts.has(name) ? name : OTHER;

  return {
    toolCall(call) {
      const failure =
        call.outcome === 'tool_error'
          ? { errorType: 'tool_error', rpcCode: undefined }
          : call.outcome === 'protocol_error'
            ? errorTypeOf(call.error)
            : { errorType: undefined, rpcCode: undefined };
      operations.operation({
        method: 'tools/call',
        tool: toolLabel(call.tool),
        errorType: failure.errorType,
        rpcCode: failure.rpcCode,
        protocolVersion: call.protocolVersion,
        transport: call.transport ?? 'tcp',
        seconds: call.seconds,
      });
    },
    toolLabel,
    declareTool,
    promptLabel,
    declarePrompt,
  };
}
