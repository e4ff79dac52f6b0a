/**
 * The ticket-board view as the server serves it: the HTML bundle `vite build` makes from ui/
 * (read once per process, then served from memory) and the `_meta.ui` a host needs to render
 * it (content security policy, dedicated origin, border). Registered by `show_board`, the
 * tool it belongs to (tools/show-board.ts).
 */
import { readFile } from 'node:fs/promises';
import { boolean, configPiece, list } from '@mcp-runway/config';
import type { McpUiResourceCsp, McpUiResourceMeta } from '@modelcontextprotocol/ext-apps';
import { z } from 'zod';

/** Where hosts find the view; `show_board` names it in `_meta.ui.resourceUri`. */
export const BOARD_VIEW_URI = 'ui://tickets/board.html';

/** The bundle, from `src/ui/*.ts` and from `dist/ui/*.js` alike. */
export const boardViewFile: URL = new URL('../../dist/view/board.html', import.meta.url);

/**
 * Where the bundle is looked for, in order: the package's build, then `view/` beside the
 * running module, where a bundler's output keeps it (the Lambda bundle copies it there).
 */
export const boardViewFiles: readonly URL[] = [
  boardViewFile,
  new URL('./view/board.html', import.meta.url),
];

/** The bundle's size budget, checked by bundle.test.ts (it measures ~232 KiB: the SDK and zod). */
export const BOARD_VIEW_BUDGET_BYTES = 256 * 1024;

/** `_meta.ui` of the view (the extension's `McpUiResourceMeta`). */
export type BoardViewMeta = McpUiResourceMeta;

export interface BoardView {
  /** The HTML, read from disk on the first call and from memory after. */
  html(): Promise<string>;
  /** What goes in `_meta.ui` of the resource and of its content. */
  meta: McpUiResourceMeta;
}

/**
 * Reads the first of `files` that exists, once. A failed read is not cached (a later call
 * retries) and says how to make the bundle, since a missing file means the package was not
 * built.
 */
export function createBoardView(
  meta: McpUiResourceMeta,
  files: URL | readonly URL[] = boardViewFiles,
  read: (file: URL) => Promise<string> = (at) => readFile(at, 'utf8'),
): BoardView {
  const candidates = Array.isArray(files) ? files : [files as URL];
  const first = async (): Promise<string> => {
    let failure: unknown;
    for (const file of candidates) {
      try {
        return await read(file);
      } catch (error) {
        failure ??= error;
      }
    }
    throw new Error(`The board view is not built (${candidates[0]?.pathname}): run pnpm build`, {
      cause: failure,
    });
  };
  let cached: Promise<string> | undefined;
  return {
    meta,
    html() {
      cached ??= first().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
}

// Apps parse their configuration once and hand the parsed values to the server module, which
// parses its own piece again: each field takes its parsed form back as well as the raw string.
const again = (value: unknown) =>
  Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? String(value) : value;

/** Each origin a host may let the view reach, as the extension expects (scheme + host). */
const origins = () =>
  z
    .preprocess(again, list())
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(https|wss?|http):\/\/(\*\.)?[a-z0-9.-]+(:\d+)?$/i,
            'origins look like https://api.example.com (no path)',
          ),
      ),
    );

/**
 * The view's variables: hosts build the iframe's content security policy from the `csp`
 * lists (empty: the view may reach nothing, which this bundle needs), and some serve the view
 * from the `domain` the server asks for, in each host's own format (Claude:
 * `<hash>.claudemcpcontent.com`).
 */
export const viewSettings = configPiece({
  UI_CSP_CONNECT_DOMAINS: origins(),
  UI_CSP_RESOURCE_DOMAINS: origins(),
  UI_CSP_FRAME_DOMAINS: origins(),
  UI_DOMAIN: z.string().trim().min(1).optional(),
  UI_PREFERS_BORDER: z.preprocess(again, boolean(true)),
});

/** `_meta.ui` from the settings: only the fields that are set. */
export function viewMetaFrom(
  values: z.output<z.ZodObject<typeof viewSettings.shape>>,
): McpUiResourceMeta {
  const csp: McpUiResourceCsp = {};
  if (values.UI_CSP_CONNECT_DOMAINS.length) csp.connectDomains = values.UI_CSP_CONNECT_DOMAINS;
  if (values.UI_CSP_RESOURCE_DOMAINS.length) csp.resourceDomains = values.UI_CSP_RESOURCE_DOMAINS;
  if (values.UI_CSP_FRAME_DOMAINS.length) csp.frameDomains = values.UI_CSP_FRAME_DOMAINS;
  return {
    csp,
    prefersBorder: values.UI_PREFERS_BORDER,
    ...(values.UI_DOMAIN && { domain: values.UI_DOMAIN }),
  };
}

/** `_meta.ui` with every UI_* variable at its default. */
export function defaultMeta(): McpUiResourceMeta {
  return viewMetaFrom(z.object(viewSettings.shape).parse({}));
}
