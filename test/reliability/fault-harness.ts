/**
 * What the fault tests share: the whole pipeline in this process (folder watcher and workers) on
 * a test pipeline, a TCP proxy that can make Elasticsearch unreachable for one test only, a Redis
 * of the test's own (AOF on) that can be restarted (test/own-services.ts), and the final audit every
 * test ends with.
 */
import { expect } from 'vitest';
import { auditPipeline } from '../../infra/audit/audit.ts';
import type { AuditReport } from '../../infra/audit/reconcile.ts';
import type { Config } from '../../lib/config.ts';
import { pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import { NearDuplicateIndex } from '../../workers/dedupe/near-duplicate-index.ts';
import { eventually } from '../eventually.ts';
import type { TestPipeline } from '../pipeline-harness.ts';

export { freePort, OwnRedis, TcpProxy } from '../own-services.ts';

export const AGGREGATOR_PAGES = new URL('../../../shared/data/aggregator-pages/pages/', import.meta.url);
export const ARTICLE_BENCH_PAGES = new URL('../../../shared/data/article-bench/pages/', import.meta.url);

export const silentLogger = createLogger({ level: 'silent' });

/** Waits until nothing is waiting or in flight (auditing every `everyMs`), then returns the audit. */
export async function auditWhenSettled(
  config: Config,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<AuditReport> {
  return eventually(
    async () => {
      const report = await auditPipeline(config);
      return report.settled ? report : undefined;
    },
    timeoutMs,
    everyMs,
  );
}

/**
 * Asserts the audit balances (every done file has exactly one sighting per article), and that
 * every article the dedupe stage claimed has exactly one document: nothing lost, nothing doubled.
 */
export async function expectBalanced(p: TestPipeline, report: AuditReport): Promise<void> {
  expect(report.problems).toEqual([]);
  expect(report.balanced).toBe(true);
  const claims = new NearDuplicateIndex(p.redis, { prefix: pipelinePrefix(p.config) });
  expect(report.index.documents).toBe((await claims.memoryUsage()).articles);
}
