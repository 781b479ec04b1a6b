import { randomUUID } from 'node:crypto';
import { Client, type estypes } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch } from '../../../lib/connections.ts';
import { ServiceError } from '../../../lib/errors.ts';
import {
  BulkBatcher,
  type BulkBatcherOptions,
  type BulkReport,
  DELETE_DOCUMENT,
} from '../../../workers/index/bulk-batcher.ts';

const config = loadConfig();
const elasticsearch = createElasticsearch(config);
const index = `test-bulk-${randomUUID()}`;
const concrete = `${index}-v1`;

beforeAll(async () => {
  await elasticsearch.indices.create({
    index: concrete,
    aliases: { [index]: { is_write_index: true } },
    mappings: { dynamic: 'strict', properties: { title: { type: 'text' }, wordCount: { type: 'integer' } } },
  });
});

afterAll(async () => {
  await elasticsearch.indices.delete({ index: concrete, ignore_unavailable: true });
  await elasticsearch.close();
});

/**
 * A document that counts: each proposal adds its words (none: no change), the title is the last
 * one; negative words delete the document.
 */
interface Tally {
  title: string;
  wordCount: number;
}
interface Add {
  id: string;
  title: string;
  words: number;
}

function tallies(client: Client, options: Partial<BulkBatcherOptions<Add, Tally>> = {}) {
  return new BulkBatcher<Add, Tally>(client, {
    index,
    idOf: (add) => add.id,
    merge: (current, add) => {
      if (add.words < 0) return current ? DELETE_DOCUMENT : null;
      return add.words === 0
        ? null
        : { title: add.title, wordCount: current ? current.wordCount + add.words : add.words };
    },
    ...options,
  });
}

async function read(id: string): Promise<Tally | undefined> {
  return (await elasticsearch.get<Tally>({ index, id }))._source;
}

describe('BulkBatcher', () => {
  it('acknowledges each proposal once Elasticsearch has its document, in few requests', async () => {
    const reports: BulkReport[] = [];
    const batcher = tallies(elasticsearch, { flushIntervalMs: 20, onBulk: (r) => reports.push(r) });
    const acks = await Promise.all(
      Array.from({ length: 120 }, (_, i) => batcher.submit({ id: `a${i}`, title: `t ${i}`, words: i + 1 })),
    );
    expect(acks).toEqual(Array.from({ length: 120 }, (_, i) => ({ id: `a${i}`, result: 'created' })));
    expect(reports.length).toBeLessThanOrEqual(2);
    await elasticsearch.indices.refresh({ index });
    const ids = acks.map((ack) => ack.id);
    expect((await elasticsearch.count({ index, query: { ids: { values: ids } } })).count).toBe(120);
    await batcher.close();
  });

  it('merges several proposals for one document in order into one write, and tells each what it did', async () => {
    const reports: BulkReport[] = [];
    const batcher = tallies(elasticsearch, { onBulk: (r) => reports.push(r) });
    const acks = await Promise.all([
      batcher.submit({ id: 'm1', title: 'first', words: 2 }),
      batcher.submit({ id: 'm1', title: 'second', words: 3 }),
      batcher.submit({ id: 'm1', title: 'nothing', words: 0 }),
    ]);
    expect(acks.map((ack) => ack.result)).toEqual(['created', 'updated', 'noop']);
    expect(await read('m1')).toEqual({ title: 'second', wordCount: 5 });
    expect(await batcher.submit({ id: 'm1', title: 'nothing', words: 0 })).toEqual({
      id: 'm1',
      result: 'noop',
    });
    expect(reports.map((r) => r.operations)).toEqual([3]);
    await batcher.close();
  });

  it('sends a batch as soon as it holds maxOperations', async () => {
    const reports: BulkReport[] = [];
    const batcher = tallies(elasticsearch, {
      maxOperations: 10,
      flushIntervalMs: 60_000,
      onBulk: (r) => reports.push(r),
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => batcher.submit({ id: `b${i}`, title: 'x', words: 1 })),
    );
    expect(reports.map((r) => r.operations)).toEqual([10, 10, 10]);
    await batcher.close();
  });

  it('fails only the rejected document, with Elasticsearch reason, and acknowledges the others', async () => {
    const batcher = tallies(elasticsearch);
    const [good, bad] = await Promise.allSettled([
      batcher.submit({ id: 'c1', title: 'fine', words: 3 }),
      batcher.submit({ id: 'c2', title: 'bad', words: 'three' as unknown as number }),
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

  it('reads and merges again when another writer changed the document, without counting an attempt', async () => {
    await elasticsearch.index({ index, id: 'r1', document: { title: 'start', wordCount: 1 } });
    const { client, close } = racedClient(3);
    // One attempt only: if a conflict counted as one, the first would fail the proposal.
    const batcher = tallies(client, { maxAttempts: 1 });
    const ack = await batcher.submit({ id: 'r1', title: 'mine', words: 10 });
    expect(ack).toEqual({ id: 'r1', result: 'updated' });
    // Three writes of the other writer (+100 each) and this one: nothing lost.
    expect(await read('r1')).toEqual({ title: 'mine', wordCount: 311 });
    await batcher.close();
    await close();
  });

  it('deletes a document when the merge says so, only if nobody changed it since it was read', async () => {
    await elasticsearch.index({ index, id: 'd1', document: { title: 'start', wordCount: 1 } });
    const { client, close } = racedClient(2);
    const batcher = tallies(client, { maxAttempts: 1 });
    expect(await batcher.submit({ id: 'd1', title: 'gone', words: -1 })).toEqual({
      id: 'd1',
      result: 'deleted',
    });
    expect(await elasticsearch.exists({ index, id: 'd1' })).toBe(false);
    // Deleting what is not there changes nothing (a retried deletion).
    expect(await batcher.submit({ id: 'd1', title: 'gone', words: -1 })).toEqual({
      id: 'd1',
      result: 'noop',
    });
    await batcher.close();
    await close();
  });

  it('writes the document that comes after a deletion in the same batch, and tells each proposal what it did', async () => {
    await elasticsearch.index({ index, id: 'd2', document: { title: 'start', wordCount: 1 } });
    const batcher = tallies(elasticsearch);
    const acks = await Promise.all([
      batcher.submit({ id: 'd2', title: 'gone', words: -1 }),
      batcher.submit({ id: 'd2', title: 'again', words: 4 }),
    ]);
    expect(acks.map((ack) => ack.result)).toEqual(['deleted', 'created']);
    expect(await read('d2')).toEqual({ title: 'again', wordCount: 4 });
    await batcher.close();
  });

  it('creates a likely new document without reading it, in one request', async () => {
    const reports: BulkReport[] = [];
    const batcher = tallies(elasticsearch, { onBulk: (r) => reports.push(r) });
    const acks = await Promise.all([
      batcher.submit({ id: 'n1', title: 'first', words: 2 }, { likelyNew: true }),
      batcher.submit({ id: 'n1', title: 'second', words: 3 }, { likelyNew: true }),
    ]);
    expect(acks.map((ack) => ack.result)).toEqual(['created', 'updated']);
    expect(await read('n1')).toEqual({ title: 'second', wordCount: 5 });
    expect(reports.map((r) => r.rejections)).toEqual([[]]);
    await batcher.close();
  });

  it('merges into the existing document when the likely new hint was wrong (409, then read and merged)', async () => {
    await elasticsearch.index({ index, id: 'n2', document: { title: 'stored', wordCount: 7 } });
    const reports: BulkReport[] = [];
    // One attempt only: the failed create must not count as one.
    const batcher = tallies(elasticsearch, { maxAttempts: 1, onBulk: (r) => reports.push(r) });
    const ack = await batcher.submit({ id: 'n2', title: 'mine', words: 3 }, { likelyNew: true });
    expect(ack).toEqual({ id: 'n2', result: 'updated' });
    expect(await read('n2')).toEqual({ title: 'mine', wordCount: 10 });
    expect(reports.map((r) => r.rejections)).toEqual([['version_conflict_engine_exception'], []]);
    await batcher.close();
  });

  it('gives up on a document that changes under every merge after maxConflicts, with a retryable error', async () => {
    await elasticsearch.index({ index, id: 'r2', document: { title: 'start', wordCount: 1 } });
    const { client, close } = racedClient(Number.POSITIVE_INFINITY);
    const batcher = tallies(client, { maxConflicts: 2 });
    const failure = await batcher
      .submit({ id: 'r2', title: 'mine', words: 10 })
      .catch((error: ServiceError) => error);
    expect(failure).toBeInstanceOf(ServiceError);
    expect((failure as ServiceError).code).toBe('ELASTICSEARCH_CONFLICT');
    expect((failure as ServiceError).retryable).toBe(true);
    await batcher.close();
    await close();
  });

  it('retries a request that found no node, then gives up with a retryable error', async () => {
    const nowhere = new Client({ node: 'http://127.0.0.1:9', maxRetries: 0 });
    const batcher = tallies(nowhere, { maxAttempts: 2, retryDelayMs: 10 });
    const failure = await batcher
      .submit({ id: 'd1', title: 'x', words: 1 })
      .catch((error: ServiceError) => error);
    expect(failure).toBeInstanceOf(ServiceError);
    expect((failure as ServiceError).code).toBe('ELASTICSEARCH_UNAVAILABLE');
    expect((failure as ServiceError).retryable).toBe(true);
    await batcher.close();
    await nowhere.close();
  });

  // Issue 13, item 6: with the index deleted, bulk writes auto-created a concrete index of that
  // name with a dynamic mapping, and files were marked done into it.
  it.each([
    ['written without reading (likely new)', true],
    ['read first', false],
  ])(
    'refuses to write through a missing alias, %s: a retryable ELASTICSEARCH_INDEX_MISSING, nothing created',
    async (_, likelyNew) => {
      const missing = `test-bulk-missing-${randomUUID()}`;
      const batcher = tallies(elasticsearch, { index: missing });
      const error = await batcher
        .submit({ id: 'x1', title: 'lost', words: 1 }, { likelyNew })
        .catch((caught: unknown) => caught);
      await batcher.close();
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'ELASTICSEARCH_INDEX_MISSING', retryable: true });
      expect((error as Error).message).toContain(missing);
      expect(await elasticsearch.indices.exists({ index: missing })).toBe(false);
    },
  );

  it('refuses proposals after close', async () => {
    const batcher = tallies(elasticsearch);
    await batcher.close();
    await expect(batcher.submit({ id: 'e1', title: 'x', words: 1 })).rejects.toThrow(/closed/);
  });
});

/**
 * A client on the real node behind which another writer adds 100 words to every document just
 * read, `times` times: each write that follows such a read meets a version conflict.
 */
function racedClient(times: number): { client: Client; close: () => Promise<void> } {
  const client = createElasticsearch(config);
  const mget = client.mget.bind(client);
  let left = times;
  client.mget = (async (params: Parameters<typeof mget>[0]) => {
    const read = (await mget(params)) as estypes.MgetResponse<Tally>;
    for (const doc of read.docs) {
      if (left <= 0 || !('found' in doc) || !doc._source) continue;
      left--;
      const { title, wordCount } = doc._source;
      await elasticsearch.index({ index, id: doc._id, document: { title, wordCount: wordCount + 100 } });
    }
    return read;
  }) as typeof client.mget;
  return { client, close: () => client.close() };
}
