/**
 * The ticket-board view: runs inside the host's sandboxed iframe, talks to the host only
 * through the MCP Apps bridge (postMessage). It renders the `show_board` result the host hands
 * it, and its Assign buttons call `assign_ticket` through the host, which forwards the call to
 * the server like any other tool call (auth, scopes and rate limits apply).
 */
import { App } from '@modelcontextprotocol/ext-apps';

interface Ticket {
  id: string;
  title: string;
  status: string;
  priority: string;
  assignee: string | null;
}

interface CallResult {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const summary = byId<HTMLParagraphElement>('summary');
const rows = byId<HTMLTableSectionElement>('tickets');
const assignee = byId<HTMLInputElement>('assignee');
const errorBox = byId<HTMLParagraphElement>('error');

const app = new App({ name: 'mcp-runway-ticket-board', version: '0.1.0' });

function textOf(result: CallResult): string {
  return result.content?.find((block) => block.type === 'text')?.text ?? '';
}

function showError(message: string | undefined): void {
  errorBox.textContent = message ?? '';
  errorBox.hidden = !message;
}

function cell(text: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function row(ticket: Ticket): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.ticket = ticket.id;
  const status = cell(ticket.status);
  status.dataset.status = ticket.status;
  const priority = cell(ticket.priority);
  priority.className = `priority-${ticket.priority}`;
  const who = cell(ticket.assignee ?? '—');
  who.className = 'assignee';
  const action = document.createElement('td');
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Assign';
  button.disabled = ticket.status === 'closed';
  button.addEventListener('click', () => void assign(ticket.id, button));
  action.append(button);
  tr.append(cell(ticket.id), cell(ticket.title), status, priority, who, action);
  return tr;
}

function render(tickets: Ticket[], total: number): void {
  rows.replaceChildren(...tickets.map(row));
  summary.textContent = `${tickets.length} of ${total} ticket(s)`;
  for (const hidden of document.querySelectorAll<HTMLElement>('table, form')) hidden.hidden = false;
}

async function assign(id: string, button: HTMLButtonElement): Promise<void> {
  if (!assignee.reportValidity()) return;
  button.disabled = true;
  showError(undefined);
  try {
    const result = (await app.callServerTool({
      name: 'assign_ticket',
      arguments: { id, assignee: assignee.value },
    })) as CallResult;
    if (result.isError) return showError(textOf(result));
    const updated = result.structuredContent as unknown as Ticket;
    rows.querySelector(`tr[data-ticket="${CSS.escape(id)}"]`)?.replaceWith(row(updated));
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
  } finally {
    button.disabled = false;
  }
}

// Handlers first: the host may send the result as soon as the handshake completes.
app.ontoolresult = (result) => {
  const board = (result as CallResult).structuredContent as
    | { tickets: Ticket[]; total: number }
    | undefined;
  if ((result as CallResult).isError || !board) {
    return showError(textOf(result as CallResult) || 'The tool returned no board.');
  }
  render(board.tickets, board.total);
};

app.connect().catch((error: unknown) => {
  showError(`Could not connect to the host: ${String(error)}`);
});
