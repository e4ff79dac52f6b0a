import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkSettings, serverChecks } from '@mcp-runway/example-server/testing';
import { Client, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The tests drive the built app, exactly as a host launches it.
const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const env = {
  ...getDefaultEnvironment(),
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  ...checkSettings,
};

const eras = [
  { era: 'legacy', label: '2025-11-25 client (initialize)', options: {} },
  {
    era: 'modern',
    label: '2026-07-28 client (server/discover)',
    options: { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  },
] as const;

/**
 * A stdio transport that also keeps every line the server wrote to stdout, so a test can
 * prove that stdout carried nothing but JSON-RPC messages.
 */
class RecordingStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly stdoutLines: string[] = [];
  stderr = '';
  private child?: ChildProcessWithoutNullStreams;
  private pending = '';

  async start(): Promise<void> {
    const child = spawn(process.execPath, [entry], { env });
    this.child = child;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.pending += chunk;
      for (let end = this.pending.indexOf('\n'); end >= 0; end = this.pending.indexOf('\n')) {
        const line = this.pending.slice(0, end);
        this.pending = this.pending.slice(end + 1);
        this.stdoutLines.push(line);
        try {
          this.onmessage?.(JSON.parse(line) as JSONRPCMessage);
        } catch (error) {
          this.onerror?.(error as Error);
        }
      }
    });
    child.on('exit', () => this.onclose?.());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child?.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    await exited;
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

for (const { era, label, options } of eras) {
  describe(`stdio app with the SDK's StdioClientTransport, ${label}`, () => {
    const client = new Client({ name: 'stdio-test', version: '1.0.0' }, options);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [entry],
      env,
      stderr: 'pipe',
    });
    beforeAll(async () => {
      // Logs go to stderr; drain the pipe so a full one never blocks the server.
      transport.stderr?.on('data', () => {});
      await client.connect(transport);
    });
    afterAll(() => client.close());

    it(`negotiates the ${era} era`, () => expect(client.getProtocolEra()).toBe(era));
    for (const check of serverChecks)
      it(check.name, () => check.run({ client, expectedCaller: 'local' }));
  });

  describe(`stdio app stdout, ${label}`, () => {
    const transport = new RecordingStdioTransport();
    const client = new Client({ name: 'stdout-purity-test', version: '1.0.0' }, options);
    const errors: Error[] = [];
    beforeAll(async () => {
      transport.onerror = (error) => errors.push(error);
      await client.connect(transport);
      for (const check of serverChecks) await check.run({ client, expectedCaller: 'local' });
      await client.close();
    });

    it('carried only JSON-RPC 2.0 messages, one per line', () => {
      expect(errors).toEqual([]);
      expect(transport.stdoutLines.length).toBeGreaterThan(serverChecks.length);
      for (const line of transport.stdoutLines) {
        expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
      }
    });

    it('sent every log line to stderr as JSON', () => {
      const logs = jsonLines(transport.stderr);
      expect(logs.map((line) => line.msg)).toContain('mcp-runway stdio server ready');
      expect(logs.every((line) => line.name === 'mcp-runway-stdio')).toBe(true);
    });
  });
}

describe('stdio app configuration', () => {
  it('refuses to start with invalid settings and lists each one on stderr', async () => {
    const child = spawn(process.execPath, [entry], {
      env: { ...env, LOG_LEVEL: 'chatty', NODE_ENV: 'staging' },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/LOG_LEVEL/);
    expect(stderr).toMatch(/NODE_ENV/);
  });
});
