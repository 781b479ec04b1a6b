import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one Redis and one Elasticsearch node; files run in parallel
    // but each test names its own queue prefix and index, so they never collide.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
