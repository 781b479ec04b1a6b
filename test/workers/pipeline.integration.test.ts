/**
 * The pipeline in one process, on the real Redis and Elasticsearch: the folder producer and the
 * workers, with files dropped into a temporary inbox.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { createLogger } from '../../lib/logger.ts';
import { type WatchingInbox, watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { type RunningWorkers, runWorkers } from '../../workers/pipeline.ts';
import { eventually } from '../eventually.ts';
import { countDocuments, createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';

const SEED = new URL('../../../shared/data/seed/daily8-china-russia.txt', import.meta.url);
const PAGES = new URL('../../../shared/data/aggregator-pages/pages/', import.meta.url);
const logger = createLogger({ level: 'silent' });

let pipeline: TestPipeline;
let workers: RunningWorkers;
let watching: WatchingInbox;

beforeAll(async () => {
  pipeline = await createTestPipeline({ SLUICE_MAX_FILE_BYTES: '100000' });
  await ensureArticleIndex(pipeline.elasticsearch, pipeline.config.index);
  workers = runWorkers({
    config: pipeline.config,
    elasticsearch: pipeline.elasticsearch,
    logger,
  });
  watching = await watchInbox(pipeline.config, logger, { policy: { attempts: 2, backoffMs: 100 } });
});

afterAll(async () => {
  await watching?.close();
  await workers?.close();
  await pipeline?.cleanup();
});

const inboxFiles = async (folder: string) =>
  (await readdir(join(pipeline.config.inbox, folder)).catch(() => [])).sort();

describe('the pipeline in one process', () => {
  it('makes the seed page searchable as four articles, moves it to done/, and ignores a second copy', async () => {
    const { inbox, index } = pipeline.config;
    await copyFile(SEED, join(inbox, 'daily8-china-russia.txt'));
    await eventually(async () =>
      (await inboxFiles('done')).includes('daily8-china-russia.txt') ? true : undefined,
    );
    expect(await countDocuments(pipeline.elasticsearch, index)).toBe(4);

    const found = await pipeline.elasticsearch.search<{ title: string; source: string }>({
      index,
      query: { match_phrase: { body: 'Kargil Vijay Diwas' } },
    });
    expect(found.hits.hits.map((hit) => hit._source?.source)).toEqual(['Time of India']);

    await copyFile(SEED, join(inbox, 'copy-of-the-seed.txt'));
    await eventually(async () =>
      (await inboxFiles('done')).includes('copy-of-the-seed.txt') ? true : undefined,
    );
    expect(await countDocuments(pipeline.elasticsearch, index)).toBe(4);
  });

  it('moves a binary, an empty and an oversized file to failed/ with a report, and indexes the others', async () => {
    const { inbox } = pipeline.config;
    const binary = randomBytes(4096);
    binary[10] = 0;
    await writeFile(join(inbox, 'image.bin'), binary);
    await writeFile(join(inbox, 'empty.txt'), '');
    await writeFile(join(inbox, 'huge.txt'), 'word '.repeat(30_000));
    await copyFile(new URL('page-dev-000.txt', PAGES), join(inbox, 'page-dev-000.txt'));
    await copyFile(new URL('page-dev-001.txt', PAGES), join(inbox, 'page-dev-001.txt'));

    const settled = async () => {
      const [failed, done] = await Promise.all([inboxFiles('failed'), inboxFiles('done')]);
      return failed.length === 6 && done.includes('page-dev-000.txt') && done.includes('page-dev-001.txt');
    };
    await eventually(async () => ((await settled()) ? true : undefined));
    const reports: Record<string, { message: string }> = Object.fromEntries(
      await Promise.all(
        ['image.bin', 'empty.txt', 'huge.txt'].map(async (name) => [
          name,
          JSON.parse(await readFile(join(inbox, 'failed', `${name}.error.json`), 'utf8')),
        ]),
      ),
    );
    expect(reports['image.bin']).toMatchObject({ code: 'INPUT_BINARY', stage: 'extract', file: 'image.bin' });
    expect(reports['empty.txt']).toMatchObject({ code: 'INPUT_EMPTY', stage: 'watch', file: 'empty.txt' });
    expect(reports['huge.txt']).toMatchObject({ code: 'INPUT_TOO_LARGE', stage: 'watch', file: 'huge.txt' });
    for (const report of Object.values(reports)) expect(report.message.length).toBeGreaterThan(10);
  });
});
