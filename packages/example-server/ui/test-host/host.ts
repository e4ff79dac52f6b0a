/**
 * A minimal MCP Apps host, for the browser test and the screenshot: what Claude, ChatGPT or
 * VS Code do when a tool has a view, in ~80 lines. It connects the official client to the
 * server (`?mcp=<url>`, `&era=modern` to pin 2026-07-28), calls the tool, reads the tool's
 * `ui://` resource, renders it in a sandboxed iframe under the content security policy its
 * `_meta.ui.csp` asks for, and bridges the iframe to the server with the extension's AppBridge
 * (the view's tool calls go to the server through this client).
 */

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  AppBridge,
  getToolUiResourceUri,
  type McpUiResourceCsp,
  type McpUiResourceMeta,
  PostMessageTransport,
} from '@modelcontextprotocol/ext-apps/app-bridge';

declare global {
  interface Window {
    /** `ready` once the view has its tool result, or the error that stopped the host. */
    hostState: string;
  }
}

/** The policy a host builds from `_meta.ui.csp`: nothing but what the server declared. */
function contentSecurityPolicy(csp: McpUiResourceCsp = {}): string {
  const list = (origins: string[] | undefined, fallback: string) =>
    origins?.length ? origins.join(' ') : fallback;
  const resources = list(csp.resourceDomains, '');
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`.trim(),
    `style-src 'unsafe-inline' ${resources}`.trim(),
    `img-src data: ${resources}`.trim(),
    `font-src data: ${resources}`.trim(),
    `connect-src ${list(csp.connectDomains, "'none'")}`,
    `frame-src ${list(csp.frameDomains, "'none'")}`,
    `base-uri ${list(csp.baseUriDomains, "'self'")}`,
  ].join('; ');
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const mcp = new URL(params.get('mcp') ?? '/mcp', location.href);
  const client = new Client(
    { name: 'minimal-apps-host', version: '1.0.0' },
    params.get('era') === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(new StreamableHTTPClientTransport(mcp));

  const { tools } = await client.listTools();
  const tool = tools.find((candidate) => candidate.name === (params.get('tool') ?? 'show_board'));
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error('the tool names no ui:// resource');
  const result = await client.callTool({ name: tool.name, arguments: {} });
  const { contents } = await client.readResource({ uri });
  const view = contents[0] as { text?: string; _meta?: { ui?: McpUiResourceMeta } };
  if (!view?.text) throw new Error(`${uri} has no HTML`);

  const iframe = document.createElement('iframe');
  iframe.sandbox.add('allow-scripts'); // no allow-same-origin: the view gets an opaque origin
  iframe.title = tool.title ?? tool.name;
  document.body.append(iframe);

  const bridge = new AppBridge(
    client,
    { name: 'minimal-apps-host', version: '1.0.0' },
    { serverTools: {}, openLinks: {}, logging: {} },
  );
  // The view reports its size (the App does it by default); a host sizes the frame to it.
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${height}px`;
  };
  bridge.oninitialized = () => {
    void bridge.sendToolResult(result).then(() => {
      window.hostState = 'ready';
    });
  };
  const window_ = iframe.contentWindow;
  if (!window_) throw new Error('no iframe window');
  await bridge.connect(new PostMessageTransport(window_, window_));

  const policy = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(view._meta?.ui?.csp)}">`;
  iframe.srcdoc = view.text.replace(/<head>/i, `<head>${policy}`);
}

window.hostState = 'starting';
main().catch((error: unknown) => {
  window.hostState = `error: ${error instanceof Error ? error.message : String(error)}`;
});
