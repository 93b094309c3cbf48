import { defineConfig } from 'vitest/config';

// Engine tests run the real tfjs code in Node (jsdom breaks tfjs's typed-array checks).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/engine/**/*.test.ts', 'test/ui/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global state: one file at a time keeps them apart.
    fileParallelism: false,
  },
});
