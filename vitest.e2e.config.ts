import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium (Debian's, via playwright-core) against the PRODUCTION build in
// dist/, served by `vite preview` from globalSetup. Run `npx vite build` first (the setup builds
// when dist/ is missing).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/globalSetup.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // One browser at a time: the machine has 2 cores and software WebGPU/WebGL are CPU-bound.
    fileParallelism: false,
  },
});
