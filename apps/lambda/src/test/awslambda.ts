/**
 * A test shim of the `awslambda` global the Lambda Node.js runtime installs, following the
 * runtime interface client (aws-lambda-nodejs-runtime-interface-client): `streamifyResponse`
 * marks a handler as streaming and returns it; `HttpResponseStream.from` sets the
 * `application/vnd.awslambda.http-integration-response` content type and, before the first body
 * byte, writes the JSON prelude (status, headers, cookies) and 8 NUL bytes.
 */
import { Writable } from 'node:stream';

export interface Chunk {
  at: number;
  data: Buffer;
}

/** What the runtime hands a streaming handler: a Writable, collecting chunks with timestamps. */
export class TestResponseStream extends Writable {
  readonly chunks: Chunk[] = [];
  contentType = 'application/octet-stream';
  _onBeforeFirstWrite: ((write: (data: string | Uint8Array) => void) => void) | undefined;
  private started = false;
  readonly finished: Promise<void>;

  constructor(private readonly onChunk?: (chunk: Chunk) => void) {
    super();
    this.finished = new Promise((resolve, reject) => {
      this.on('finish', () => resolve());
      this.on('error', reject);
    });
  }

  setContentType(type: string): void {
    this.contentType = type;
  }

  private record(data: string | Uint8Array): void {
    const chunk = { at: performance.now(), data: Buffer.from(data) };
    this.chunks.push(chunk);
    this.onChunk?.(chunk);
  }

  override _write(data: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    if (!this.started) {
      this.started = true;
      this._onBeforeFirstWrite?.((prelude) => this.record(prelude));
    }
    this.record(data);
    done();
  }

  /** Everything written, split at the prelude delimiter as the Function URL front end does. */
  parse(): { prelude: Record<string, unknown> | undefined; body: string } {
    const all = Buffer.concat(this.chunks.map((chunk) => chunk.data));
    if (this.contentType !== 'application/vnd.awslambda.http-integration-response')
      return { prelude: undefined, body: all.toString() };
    const end = all.indexOf(Buffer.alloc(8));
    return {
      prelude: JSON.parse(all.subarray(0, end).toString()) as Record<string, unknown>,
      body: all.subarray(end + 8).toString(),
    };
  }
}

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

export const awslambdaShim = {
  streamifyResponse<T extends object>(handler: T): T {
    Object.assign(handler, { [STREAMING]: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream: TestResponseStream, prelude: Record<string, unknown>): TestResponseStream {
      stream.setContentType('application/vnd.awslambda.http-integration-response');
      const metadata = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};

export function installAwslambdaShim(): void {
  (globalThis as { awslambda?: unknown }).awslambda = awslambdaShim;
}
