/** Vitest global setup: build the Lambda bundle once, before the tests that load it. */
import { bundle } from '../../scripts/bundle.mjs';

export default async function setup(): Promise<void> {
  await bundle({ quiet: true });
}
