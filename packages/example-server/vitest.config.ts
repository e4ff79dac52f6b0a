// Its own config so vitest does not take vite.config.ts (the view's build, rooted at ui/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.test.ts'] },
});
