import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: pure tests (text, fingerprints, merge policy, config, ...) that need no
 * service and run anywhere (`npm run test:unit`). `integration`: files named
 * `*.integration.test.ts`, on the real Redis and Elasticsearch at REDIS_URL / ELASTICSEARCH_URL;
 * files run in parallel, each test with its own queue prefix and index, so they never collide.
 * `npm test` runs both (not `cluster`). `cluster`: files named `*.cluster.test.ts`, which start a Redis Cluster or a
 * multi-node Elasticsearch of their own (`npm run test:cluster`, after `npm test` in CI).
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
          exclude: ['test/**/*.integration.test.ts', 'test/**/*.cluster.test.ts'],
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
      {
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/**/*.cluster.test.ts'],
          // Each file starts its own Redis Cluster or Elasticsearch nodes on free ports and may take
          // minutes; they run one at a time so the nodes of two files never compete for the 2 cores.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
