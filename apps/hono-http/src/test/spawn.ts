import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface SpawnedApp {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs(): Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Runs the built app as its own process (as in production) and waits for its "listening" line. */
export async function spawnApp(env: Record<string, string> = {}): Promise<SpawnedApp> {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: '0',
      METRICS_PORT: '0',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Never outlive the test run, even when a test fails before it stops the app.
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      process.off('exit', stop);
      resolve(code);
    }),
  );
  const logs = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${stderr}`)), 10_000);
    child.stderr.on('data', () => {
      const listening = logs().find((line) => line.msg === 'listening') as
        | { address?: { port: number } }
        | undefined;
      if (listening?.address) {
        clearTimeout(timer);
        resolve(listening.address.port);
      }
    });
    child.on('exit', () => reject(new Error(`app exited early:\n${stderr}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, logs, exited };
}
