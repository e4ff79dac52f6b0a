/** Raw HTTP to the session endpoint, for what the SDK client cannot be made to send. */

export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;

export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(body),
  });
}

export const initializeRequest = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: { roots: { listChanged: true } },
    clientInfo: { name: 'raw-client', version: '1.2.3' },
  },
} as const;

/** Initializes a session without opening a GET stream (the SDK client always opens one). */
export async function initializeRaw(
  url: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await post(url, initializeRequest, headers);
  await response.text();
  const id = response.headers.get('mcp-session-id');
  if (response.status !== 200 || !id) throw new Error(`initialize failed: ${response.status}`);
  const initialized = await post(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    {
      ...headers,
      'mcp-session-id': id,
    },
  );
  if (initialized.status !== 202) throw new Error(`initialized failed: ${initialized.status}`);
  return id;
}

/** The JSON-RPC messages of an SSE (or JSON) response body. */
export async function messagesOf(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  if (response.headers.get('content-type')?.includes('application/json')) return [JSON.parse(text)];
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}
