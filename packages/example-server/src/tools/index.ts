/**
 * Every tool of the server, in the order `tools/list` shows them. A new tool is a file in this
 * folder (the tool, its scopes and cost side by side), a line here, its test beside it, and its
 * client check in ../testing.ts: see docs/guides/add-a-tool.md.
 */
import type { ToolModule } from '../module.js';
import { assignTicket } from './assign-ticket.js';
import { createTicket } from './create-ticket.js';
import { deleteTicket } from './delete-ticket.js';
import { generateReport } from './generate-report.js';
import { searchTickets } from './search-tickets.js';
import { showBoard } from './show-board.js'; // runway:part ui
import { upstreamProfile } from './upstream-profile.js';

export const tools: readonly ToolModule[] = [
  searchTickets,
  createTicket,
  assignTicket,
  deleteTicket,
  generateReport,
  upstreamProfile,
  showBoard, // runway:part ui
];
