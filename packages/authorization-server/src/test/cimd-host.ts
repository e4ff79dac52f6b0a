/**
 * A client's metadata document, served over HTTPS on loopback with a throwaway self-signed
 * certificate (openssl): the SDK insists on an https `client_id` URL, and the built-in server
 * accepts loopback documents in development.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DocumentHost {
  origin: string;
  /** Path -> the JSON served there. */
  documents: Map<string, unknown>;
  /** Requests per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startDocumentHost(): Promise<DocumentHost> {
  const dir = mkdtempSync(join(tmpdir(), 'runway-cimd-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const documents = new Map<string, unknown>();
  const hits = new Map<string, number>();
  const server = createServer(
    { key: readFileSync(key), cert: readFileSync(cert) },
    (request, response) => {
      const path = request.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const document = documents.get(path);
      if (document === undefined) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    },
  );
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    documents,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
