import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stops the run at once, with the command to fix it, when Redis or Elasticsearch is not there.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests share one Redis and one Elasticsearch node; files run in parallel
    // but each test names its own queue prefix and index, so they never collide.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
