import { defineConfig } from 'vitest/config';

// dist/templates holds a copy of the whole repo, tests included: never collect those.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.e2e.test.ts', 'dist/**', 'node_modules/**'],
    testTimeout: 60_000,
  },
});
