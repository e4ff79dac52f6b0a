import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Choices } from './options.js';
import { planProject } from './plan.js';
import { loadTemplate } from './template.js';
import { addAToolGuide, guideSteps } from './test/guide.js';

const stepsOf = (markdown: string) =>
  guideSteps(markdown).map((step) => (step.kind === 'file' ? step.target : 'shell'));

// The end-to-end test follows these steps in a generated project (scaffold.e2e.test.ts).
it('reads the add-a-tool guide as files to write and project commands to run, in page order', () => {
  const steps = guideSteps(readFileSync(addAToolGuide, 'utf8'));
  expect(stepsOf(readFileSync(addAToolGuide, 'utf8'))).toEqual([
    'packages/example-server/src/tools/get-weather.ts',
    'packages/example-server/src/tools/get-weather.test.ts',
    'packages/example-server/src/tools/get-weather.check.ts',
    'shell',
    'packages/example-server/src/tools/index.ts',
    'packages/example-server/src/testing.ts',
  ]);
  expect(steps[3]?.body).toMatch(/^rm .*hello\.ts .*hello\.test\.ts .*hello\.check\.ts\n$/);
});

describe('the copy a generated project gets', () => {
  const template = loadTemplate();
  const guide = (example: Choices['example']) => {
    const plan = planProject(template, {
      directory: '/tmp/unused',
      name: 'my-server',
      scope: '@acme',
      apps: ['stdio'],
      ui: example === 'tickets',
      example,
      auth: 'none',
      state: 'memory',
      infra: [],
      packageManager: 'pnpm',
      install: false,
      git: false,
      force: false,
    });
    return String(plan.files.get('docs/guides/add-a-tool.md'));
  };

  it('has every step of the guide with the minimal example (hello goes)', () => {
    expect(stepsOf(guide('minimal'))).toEqual(stepsOf(readFileSync(addAToolGuide, 'utf8')));
  });

  it('has no hello to remove with the ticket board, and says what to take instead', () => {
    expect(stepsOf(guide('tickets'))).not.toContain('shell');
    expect(guide('tickets')).toContain('take `src/deps.ts`');
    expect(guide('minimal')).not.toContain('With the ticket board');
  });
});
