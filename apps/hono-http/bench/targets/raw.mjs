// The floor: node:http reads the body, parses it, and answers a fixed JSON-RPC result.
import { createServer } from 'node:http';
import { announce } from '../echo-server.mjs';

const result = JSON.stringify({
  result: { content: [{ type: 'text', text: 'echo:hi' }] },
  jsonrpc: '2.0',
  id: 1,
});
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(result),
    });
    res.end(result);
  });
});
server.listen(0, '127.0.0.1', () => announce(server));
