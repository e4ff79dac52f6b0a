/**
 * Development only (a loopback bind, NODE_ENV not production): Client ID Metadata Documents
 * served from this machine, `http://localhost/...` or `https://127.0.0.1/...`, by a client
 * running next to the server. oidc-provider itself refuses loopback and private addresses
 * (rightly, in production); this applies its other rules: no redirects, 2.5 s, 5 KiB, a JSON
 * object whose `client_id` is its own URL, and no shared secret. A loopback certificate is
 * not verified: on loopback it would prove nothing the address does not.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { type Client, errors, type Provider } from 'oidc-provider';

const LIMIT = 5 * 1024;
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

export function isLoopbackClientId(id: string): boolean {
  const url = URL.parse(id);
  return (
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]') &&
    url.pathname !== '/' &&
    !url.hash &&
    !url.username
  );
}

export async function fetchLoopbackClient(provider: Provider, id: string): Promise<Client> {
  let text: string;
  try {
    text = await fetchDocument(id);
  } catch (cause) {
    throw new errors.InvalidClient('client_id metadata document fetch failed', String(cause));
  }
  let properties: Record<string, unknown>;
  try {
    properties = JSON.parse(text);
  } catch {
    throw new errors.InvalidClient('client_id metadata document fetch failed', 'not JSON');
  }
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    throw new errors.InvalidClientMetadata('client_id metadata document is not a JSON object');
  if (properties.client_id !== id)
    throw new errors.InvalidClientMetadata(
      'client_id metadata document client_id does not match the expected value',
    );
  if (
    SECRET_METHODS.has(String(properties.token_endpoint_auth_method)) ||
    'client_secret' in properties
  )
    throw new errors.InvalidClientMetadata(
      'client_id metadata document must not use a shared secret',
    );
  return new provider.Client(properties, undefined, { cimd: true });
}

/** One GET, no redirects followed, 2.5 s and 5 KiB at most. */
function fetchDocument(id: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = {
      headers: { accept: 'application/json' },
      timeout: 2500,
      rejectUnauthorized: false, // loopback only (isLoopbackClientId)
    };
    const onResponse = (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`status ${response.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > LIMIT) {
          request.destroy();
          reject(new Error('response too large'));
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString()));
      response.on('error', reject);
    };
    const request = id.startsWith('https:')
      ? httpsGet(id, options, onResponse)
      : httpGet(id, options, onResponse);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
