/**
 * Client-side checks of the board view (MCP Apps), run by every app through its own transport
 * with the other server checks: the tool names its view, and the view is served as the
 * extension says (MIME type, HTML, `_meta.ui`).
 */
import assert from 'node:assert/strict';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { ServerCheck } from '../check.js';
import { BOARD_VIEW_URI } from './view.js';

export const viewChecks: readonly ServerCheck[] = [
  {
    name: 'links show_board to its ui:// view and answers it with the board',
    async run({ client }) {
      const { tools } = await client.listTools();
      const tool = tools.find((candidate) => candidate.name === 'show_board');
      assert.deepEqual(tool?._meta?.ui, { resourceUri: BOARD_VIEW_URI });
      assert.equal(tool?.annotations?.readOnlyHint, true);
      const result = await client.callTool({ name: 'show_board', arguments: { limit: 3 } });
      assert.notEqual(result.isError, true);
      const board = result.structuredContent as { tickets: { id: string }[]; total: number };
      assert.equal(board.tickets.length, 3);
      assert.ok(board.total >= 6);
    },
  },
  {
    name: 'serves the view as one HTML document with the MCP Apps MIME type and _meta.ui',
    async run({ client }) {
      const { resources } = await client.listResources();
      const listed = resources.find((resource) => resource.uri === BOARD_VIEW_URI);
      assert.equal(listed?.mimeType, RESOURCE_MIME_TYPE);
      assert.equal(
        (listed?._meta?.ui as { prefersBorder?: boolean } | undefined)?.prefersBorder,
        true,
      );
      const { contents } = await client.readResource({ uri: BOARD_VIEW_URI });
      assert.equal(contents.length, 1);
      const view = contents[0] as { mimeType?: string; text?: string; _meta?: { ui?: unknown } };
      assert.equal(view.mimeType, RESOURCE_MIME_TYPE);
      assert.match(view.text ?? '', /^<!doctype html>/i);
      assert.match(view.text ?? '', /<script type="module"/);
      assert.deepEqual(view._meta?.ui, listed?._meta?.ui);
    },
  },
];
