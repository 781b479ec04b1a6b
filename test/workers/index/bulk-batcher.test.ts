import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../../lib/connections.ts';
import { ServiceError } from '../../../lib/errors.ts';
import { BulkBatcher, type BulkReport } from '../../../workers/index/bulk-batcher.ts';

const elasticsearch = createElasticsearch({ elasticsearch: { url: 'http://127.0.0.1:9200' } });
const index = `test-bulk-${randomUUID()}`;

beforeAll(async () => {
  await elasticsearch.indices.create({
    index,
    mappings: { dynamic: 'strict', properties: { title: { type: 'text' }, wordCount: { type: 'integer' } } },
  });
});

afterAll(async () => {
  await elasticsearch.indices.delete({ index, ignore_unavailable: true });
  await elasticsearch.close();
});

const doc = (id: string, body: Record<string, unknown>) => [{ index: { _id: id } }, body] as const;

describe('BulkBatcher', () => {
  it('acknowledges each operation once Elasticsearch has it, in few requests', async () => {
    const reports: BulkReport[] = [];
    const batcher = new BulkBatcher(elasticsearch, {
      index,
      flushIntervalMs: 20,
      onBulk: (r) => reports.push(r),
    });
    const acks = await Promise.all(
      Array.from({ length: 120 }, (_, i) => batcher.submit(doc(`a${i}`, { title: `t ${i}`, wordCount: i }))),
    );
    expect(acks.map((ack) => ack.id)).toEqual(Array.from({ length: 120 }, (_, i) => `a${i}`));
    expect(reports.length).toBeLessThanOrEqual(2);
    await elasticsearch.indices.refresh({ index });
    const ids = acks.map((ack) => ack.id);
    expect((await elasticsearch.count({ index, query: { ids: { values: ids } } })).count).toBe(120);
    await batcher.close();
  });

  it('sends a batch as soon as it holds maxOperations', async () => {
    const reports: BulkReport[] = [];
    const batcher = new BulkBatcher(elasticsearch, {
      index,
      maxOperations: 10,
      flushIntervalMs: 60_000,
      onBulk: (r) => reports.push(r),
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => batcher.submit(doc(`b${i}`, { title: 'x', wordCount: 1 }))),
    );
    expect(reports.map((r) => r.operations)).toEqual([10, 10, 10]);
    await batcher.close();
  });

  it('fails only the rejected document, with Elasticsearch reason, and acknowledges the others', async () => {
    const batcher = new BulkBatcher(elasticsearch, { index });
    const [good, bad] = await Promise.allSettled([
      batcher.submit(doc('c1', { title: 'fine', wordCount: 3 })),
      batcher.submit(doc('c2', { title: 'bad', wordCount: 'three' })),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('ELASTICSEARCH_REJECTED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/c2: document_parsing_exception/);
    await batcher.close();
  });

  it('retries a request that found no node, then gives up with a retryable error', async () => {
    const nowhere = new Client({ node: 'http://127.0.0.1:9', maxRetries: 0 });
    const batcher = new BulkBatcher(nowhere, { index, maxAttempts: 2, retryDelayMs: 10 });
    const failure = await batcher
      .submit(doc('d1', { title: 'x', wordCount: 1 }))
      .catch((error: ServiceError) => error);
    expect(failure).toBeInstanceOf(ServiceError);
    expect((failure as ServiceError).code).toBe('ELASTICSEARCH_UNAVAILABLE');
    expect((failure as ServiceError).retryable).toBe(true);
    await batcher.close();
    await nowhere.close();
  });

  it('refuses operations after close', async () => {
    const batcher = new BulkBatcher(elasticsearch, { index });
    await batcher.close();
    await expect(batcher.submit(doc('e1', { title: 'x', wordCount: 1 }))).rejects.toThrow(/closed/);
  });
});
