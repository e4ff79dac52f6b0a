import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { addAToolGuide, guideSteps } from './test/guide.js';

// The end-to-end test follows these steps in a generated project (scaffold.e2e.test.ts).
it('reads the add-a-tool guide as files to write and project commands to run, in page order', () => {
  const steps = guideSteps(readFileSync(addAToolGuide, 'utf8'));
  expect(steps.map((step) => (step.kind === 'file' ? step.target : 'shell'))).toEqual([
    'packages/example-server/src/tools/get-weather.ts',
    'packages/example-server/src/tools/get-weather.test.ts',
    'packages/example-server/src/tools/get-weather.check.ts',
    'shell',
    'packages/example-server/src/tools/index.ts',
    'packages/example-server/src/testing.ts',
  ]);
  expect(steps[3]?.body).toMatch(/^rm .*hello\.ts .*hello\.test\.ts .*hello\.check\.ts\n$/);
});
