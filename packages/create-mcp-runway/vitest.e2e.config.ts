import { defineConfig } from 'vitest/config';

// The end-to-end run: scaffold, install, build and test whole generated projects. Run alone,
// after every other test (root `check`), since it runs a generated project's full suite.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    exclude: ['dist/**', 'node_modules/**'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});
