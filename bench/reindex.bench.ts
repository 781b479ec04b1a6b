/**
 * What `sluice reindex` costs (issue 17; README, "Rebuilding the index"): a corpus of page files
 * ingested (as `sluice ingest --wait` does) into a fresh pipeline whose workers run in this
 * process, then the same folder rebuilt (`reindex --from`) into `<alias>-v2` by the same workers.
 * (Files that fail to ingest, pages with no article, are left out of the rebuild.)
 * The ingest is the baseline in the same run (the machine is shared, so wall seconds are noisy):
 * wall and CPU seconds of both (this process: workers, producer, reindex; and Elasticsearch), per
 * 1,000 pages, and the searches the rebuild sent to the old index (one per file: the ids it keeps);
 * and how many old documents are not in the new one under the same id with the same versions
 * (64 workers take the files in whatever order, in both runs).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { concreteIndexName, ensureArticleIndex } from '../infra/elasticsearch/article-index.ts';
import { reindex } from '../infra/reindex/reindex.ts';
import { createLogger } from '../lib/logger.ts';
import { ingest } from '../producers/ingest-cli/ingest.ts';
import { openProducer } from '../producers/open-producer.ts';
import { createTestPipeline } from '../test/pipeline-harness.ts';
import { runWorkers } from '../workers/pipeline.ts';
import type { CorpusFile } from './corpus.ts';
import { elasticsearchCpuSeconds } from './process-usage.ts';

export async function benchReindex({ files }: { files: readonly CorpusFile[] }) {
  const logger = createLogger({ level: 'warn' });
  const pipeline = await createTestPipeline();
  const { config, elasticsearch, redis } = pipeline;
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-reindex-'));
  const workers = runWorkers({ config, elasticsearch, logger });
  try {
    for (const file of files) await writeFile(join(folder, file.name), file.text);
    await ensureArticleIndex(elasticsearch, config.index);
    const source = concreteIndexName(config.index, 1);

    const producer = openProducer(config, logger, 'ingest');
    const ingested = await measure(elasticsearch, async () => {
      try {
        return await ingest(producer.submitter, producer.ledger, { paths: [folder], wait: true });
      } finally {
        await producer.close();
      }
    });
    // What failed (pages with no article) would be in failed/, which a reindex does not read.
    for (const failure of ingested.result.failed) await rm(join(folder, failure.fileName));

    const searchesBefore = await searchCount(elasticsearch, source);
    const rebuilt = await measure(elasticsearch, () =>
      reindex({ config, redis, elasticsearch, logger, from: [folder], keepOld: true }),
    );
    const summary = rebuilt.result;
    if (!summary.swapped) throw new Error(`reindex did not swap: ${summary.failed.length} files failed`);
    const searches = (await searchCount(elasticsearch, source)) - searchesBefore;
    const before = await versionsById(elasticsearch, source);
    const after = await versionsById(elasticsearch, concreteIndexName(config.index, 2));
    const moved = [...before].filter(([id, versions]) => after.get(id) !== versions).length;

    const per1000 = (seconds: number) => round((seconds * 1000) / files.length);
    return {
      reindex_ingest_failed: ingested.result.failed.length,
      reindex_files: summary.files,
      reindex_articles: summary.articles,
      reindex_documents_before: summary.documentsBefore,
      reindex_documents_after: summary.documentsAfter,
      reindex_s_per_1000_pages: per1000(rebuilt.seconds),
      ingest_s_per_1000_pages: per1000(ingested.seconds),
      reindex_vs_ingest: round(rebuilt.seconds / ingested.seconds),
      reindex_cpu_s_per_1000_pages: per1000(rebuilt.cpuSeconds),
      ingest_cpu_s_per_1000_pages: per1000(ingested.cpuSeconds),
      reindex_es_cpu_s_per_1000_pages: per1000(rebuilt.elasticsearchCpuSeconds),
      ingest_es_cpu_s_per_1000_pages: per1000(ingested.elasticsearchCpuSeconds),
      reindex_old_index_searches_per_file: round(searches / summary.files),
      reindex_documents_moved: moved,
    };
  } finally {
    await workers.close();
    await elasticsearch.indices.delete({
      index: concreteIndexName(config.index, 2),
      ignore_unavailable: true,
    });
    await pipeline.cleanup();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Wall seconds, this process's CPU seconds and Elasticsearch's, of `work`. */
async function measure<T>(elasticsearch: Client, work: () => Promise<T>) {
  const esBefore = await elasticsearchCpuSeconds(elasticsearch);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const elasticsearchCpu = (await elasticsearchCpuSeconds(elasticsearch)) - esBefore;
  return {
    result,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    elasticsearchCpuSeconds: elasticsearchCpu,
  };
}

/** Each document's versions (its exact keys, sorted and joined), by id. */
async function versionsById(elasticsearch: Client, index: string): Promise<Map<string, string>> {
  await elasticsearch.indices.refresh({ index });
  const found = await elasticsearch.search<{ exactKeys: string[] }>({
    index,
    size: 10_000,
    _source: ['exactKeys'],
  });
  return new Map(
    found.hits.hits.map((hit) => [hit._id as string, [...(hit._source?.exactKeys ?? [])].sort().join()]),
  );
}

/** Search requests the index's shards answered (primaries: one shard here). */
async function searchCount(elasticsearch: Client, index: string): Promise<number> {
  const stats = await elasticsearch.indices.stats({ index, metric: 'search' });
  return stats._all.primaries?.search?.query_total ?? 0;
}

const round = (value: number) => Math.round(value * 100) / 100;
