import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: pure tests (text, fingerprints, merge policy, config, ...) that need no
 * service and run anywhere (`npm run test:unit`). `integration`: files named
 * `*.integration.test.ts`, on the real Redis and Elasticsearch at REDIS_URL / ELASTICSEARCH_URL;
 * files run in parallel, each test with its own queue prefix and index, so they never collide.
 * `npm test` runs both.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.integration.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          // Stops the run at once, with the command to fix it, when Redis or Elasticsearch is not there.
          globalSetup: ['test/global-setup.ts'],
          // With SLUICE_TEST_FORBIDDEN_PORTS set (CI's run on other ports), a hard-coded service port fails.
          setupFiles: ['test/forbidden-ports.ts'],
        },
      },
    ],
  },
});
