import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { createRedis } from '../../lib/connections.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { sampleValue } from '../infra/dashboard/prometheus-text.ts';

const REDIS_URL = loadConfig().redisUrl;
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function testQueue(name: string): Queue {
  const connection = createRedis(REDIS_URL, { name: 'sluice-test' });
  const queue = new Queue(name, { connection, prefix: `{test-${randomUUID()}}` });
  cleanups.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });
  return queue;
}

describe('createMetrics', () => {
  it('names every metric sluice_<noun>_<unit|total>, process metrics included', async () => {
    const { registry } = createMetrics();
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain('sluice_process_resident_memory_bytes');
    expect(names).toContain('sluice_nodejs_heap_size_used_bytes');
    for (const name of names) expect(name).toMatch(/^sluice_[a-z0-9_]+$/);
    const own = names.filter((name) => !/^sluice_(process|nodejs)_/.test(name));
    for (const name of own) expect(name).toMatch(/_(total|seconds|bytes|jobs)$/);
  });

  it('reads queue depth per stage and state from Redis at scrape time', async () => {
    const extract = testQueue('extract');
    const index = testQueue('index');
    const metrics = createMetrics({ queues: [extract, index], processMetrics: false });
    await extract.addBulk([1, 2, 3].map((n) => ({ name: 'file', data: { n } })));
    await index.add('batch', {}, { delay: 60_000 });

    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'sluice_queue_jobs', { stage: 'extract', state: 'waiting' })).toBe(3);
    expect(sampleValue(text, 'sluice_queue_jobs', { stage: 'index', state: 'delayed' })).toBe(1);
    expect(sampleValue(text, 'sluice_queue_jobs', { stage: 'index', state: 'waiting' })).toBe(0);

    await extract.drain();
    const later = await metrics.registry.metrics();
    expect(sampleValue(later, 'sluice_queue_jobs', { stage: 'extract', state: 'waiting' })).toBe(0);
  });

  it('still answers a scrape when Redis is unreachable, counting the missing depths', async () => {
    const unreachable = { name: 'extract', getJobCounts: () => Promise.reject(new Error('ECONNREFUSED')) };
    const metrics = createMetrics({ queues: [unreachable], processMetrics: false });
    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'sluice_queue_jobs', { stage: 'extract' })).toBeUndefined();
    expect(sampleValue(text, 'sluice_queue_depth_errors_total')).toBe(1);
  });

  it('times every job a worker finishes, completed or failed, by stage', async () => {
    const queue = testQueue('dedupe');
    const metrics = createMetrics({ processMetrics: false });
    const connection = createRedis(REDIS_URL, { blocking: true, name: 'sluice-test' });
    const worker = new Worker(
      queue.name,
      async (job) => {
        if (job.data.fail) throw new Error('bad input');
      },
      { connection, prefix: queue.opts.prefix, autorun: false },
    );
    cleanups.push(async () => {
      await worker.close();
      connection.disconnect();
    });
    metrics.observeWorker(worker);
    const settled = new Promise<void>((resolve) => {
      let finished = 0;
      const count = () => ++finished === 3 && resolve();
      worker.on('completed', count);
      worker.on('failed', count);
    });
    await queue.addBulk([
      { name: 'a', data: {} },
      { name: 'b', data: {} },
      { name: 'c', data: { fail: true } },
    ]);
    void worker.run();
    await settled;

    const text = await metrics.registry.metrics();
    const count = (outcome: string) =>
      sampleValue(text, 'sluice_job_duration_seconds_count', { stage: 'dedupe', outcome });
    expect(count('completed')).toBe(2);
    expect(count('failed')).toBe(1);
  });

  it('keeps counts apart between registries', async () => {
    const first = createMetrics({ processMetrics: false });
    const second = createMetrics({ processMetrics: false });
    first.articles.inc({ outcome: 'new' }, 4);
    first.filesFailed.inc({ code: 'INPUT_BINARY' });
    second.bulkRejections.inc({ reason: 'es_rejected_execution_exception' }, 2);
    const a = await first.registry.metrics();
    const b = await second.registry.metrics();
    expect(sampleValue(a, 'sluice_articles_total', { outcome: 'new' })).toBe(4);
    expect(sampleValue(a, 'sluice_files_failed_total', { code: 'INPUT_BINARY' })).toBe(1);
    expect(sampleValue(b, 'sluice_articles_total', { outcome: 'new' })).toBe(0);
    expect(
      sampleValue(b, 'sluice_elasticsearch_bulk_rejections_total', {
        reason: 'es_rejected_execution_exception',
      }),
    ).toBe(2);
  });
});
