/**
 * The project's `.vscode/mcp.json`: one server per chosen app, named after the project, so VS
 * Code (MCP view, or **MCP: List Servers**) starts them without an edit. VS Code launches the
 * stdio app itself; an HTTP app is reached at the URL it listens on locally. With API keys the
 * key is asked for once (an input with `password: true`, kept in VS Code's secret storage) and
 * never written into the file.
 */
import { MAIN_URL } from './generated.js';
import { type Choices, productName } from './options.js';
import type { AppName } from './parts.js';

export const VSCODE_MCP_JSON = '.vscode/mcp.json';

interface VsCodeInput {
  type: 'promptString';
  id: string;
  description: string;
  password: boolean;
}
type VsCodeServer =
  | { type: 'stdio'; command: string; args: string[] }
  | { type: 'http'; url: string; headers?: Record<string, string> };
export interface VsCodeMcpConfig {
  inputs?: VsCodeInput[];
  servers: Record<string, VsCodeServer>;
}

/** As the connect-a-host guide names them: `my-server` (stdio), `my-server-http`, … */
export function serverName(product: string, app: AppName): string {
  const suffix: Record<AppName, string> = {
    stdio: '',
    'hono-http': '-http',
    'express-sessions': '-sessions',
    lambda: '-lambda',
    'cloudflare-workers': '-workers',
    vercel: '-vercel',
  };
  return `${product}${suffix[app]}`;
}

/** The entry of one app. */
function server(app: AppName, header: Record<string, string> | undefined): VsCodeServer {
  if (app === 'stdio') {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's variable, not a template
    return { type: 'stdio', command: 'node', args: ['${workspaceFolder}/apps/stdio/dist/main.js'] };
  }
  const url = MAIN_URL[app];
  if (url === undefined) throw new Error(`no local URL for ${app}`);
  return header ? { type: 'http', url, headers: header } : { type: 'http', url };
}

export function vscodeMcpConfig(choices: Choices, apps: readonly AppName[]): VsCodeMcpConfig {
  const product = productName(choices);
  const inputId = `${product}-api-key`;
  const keyed = choices.auth === 'apikey' && apps.some((app) => app !== 'stdio');
  const header = keyed ? { Authorization: `Bearer \${input:${inputId}}` } : undefined;
  // Apps with no local server of their own (Workers, Vercel) are deployed, not listed here.
  const local = apps.filter((app) => app === 'stdio' || MAIN_URL[app] !== undefined);
  const servers = Object.fromEntries(
    local.map((app) => [serverName(product, app), server(app, header)] as const),
  );
  if (!keyed) return { servers };
  const input: VsCodeInput = {
    type: 'promptString',
    id: inputId,
    description: `${product} API key (mcpr_...)`,
    password: true,
  };
  return { inputs: [input], servers };
}

export function vscodeMcpJson(choices: Choices, apps: readonly AppName[]): string {
  return `${JSON.stringify(vscodeMcpConfig(choices, apps), null, 2)}\n`;
}
