/**
 * The shape of a client-side check: what every app's tests run through their own transport
 * (stdio, HTTP, Lambda...) in both eras, against whatever tools this package holds.
 */
import type { Client } from '@modelcontextprotocol/client';

export interface CheckContext {
  client: Client;
  /** The principal id the tools should see as the caller (`local` on stdio). */
  expectedCaller: string;
}

export interface ServerCheck {
  name: string;
  run(context: CheckContext): Promise<void>;
}
