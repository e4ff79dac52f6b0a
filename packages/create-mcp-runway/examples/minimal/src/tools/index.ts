/**
 * Every tool of the server, in the order `tools/list` shows them. A new tool is a file in this
 * folder (the tool, its scopes and cost side by side), a line here, its test beside it, and its
 * client checks in ../testing.ts: see docs/guides/add-a-tool.md in mcp-runway.
 */
import type { ToolModule } from '../module.js';
import { hello } from './hello.js';

export const tools: readonly ToolModule[] = [hello];
