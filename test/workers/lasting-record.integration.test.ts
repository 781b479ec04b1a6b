/**
 * Dedup that lasts beyond Redis's window (issue 15): the 40 aggregator pages make 70 documents;
 * once Redis has forgotten them (the window passed: every dedup and ledger key expired), the same
 * pages dropped again under other names are processed again and every article is found through
 * its document's band keys in Elasticsearch, so there are still 70 documents.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysMatching, ledgerKey, nearDuplicateKeyPrefix, pipelinePrefix } from '../../lib/keys.ts';
import { createLogger } from '../../lib/logger.ts';
import { eventually } from '../eventually.ts';
import { countDocuments, pipelinePerFile } from '../pipeline-harness.ts';

const PAGES = new URL('../../../shared/data/aggregator-pages/pages/', import.meta.url);
const logger = createLogger({ level: 'warn' });
const WINDOW_MS = 2000;

const pipeline = pipelinePerFile({ SLUICE_DEDUP_WINDOW: `${WINDOW_MS}ms` }, { logger });

const done = async () => (await readdir(join(pipeline().config.inbox, 'done')).catch(() => [])).length;
const dropPages = async (names: string[], as: (name: string) => string) => {
  for (const name of names) await copyFile(new URL(name, PAGES), join(pipeline().config.inbox, as(name)));
};
const keysOf = async (pattern: string) => {
  let count = 0;
  for await (const keys of pipeline().redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<
    string[]
  >)
    count += keys.length;
  return count;
};

describe('dedup beyond the window', () => {
  it('keeps 70 documents when the 40 aggregator pages come again after Redis forgot them', async () => {
    const { elasticsearch, config } = pipeline();
    const prefix = pipelinePrefix(config);
    const names = (await readdir(PAGES)).filter((name) => name.endsWith('.txt')).sort();
    expect(names).toHaveLength(40);

    await dropPages(names, (name) => name);
    await eventually(async () => ((await done()) === 40 ? true : undefined), 60_000);
    expect(await countDocuments(elasticsearch, config.index)).toBe(70);

    // Past the window: every dedup key and settled ledger entry has expired by itself.
    await eventually(
      async () =>
        (await keysOf(keysMatching(nearDuplicateKeyPrefix(prefix)))) === 0 &&
        (await keysOf(ledgerKey(prefix, '*'))) === 0
          ? true
          : undefined,
      5 * WINDOW_MS,
      200,
    );

    // In the reverse order, so another version of an article comes first (with Redis alone, it
    // would name a new document).
    await dropPages([...names].reverse(), (name) => `again-${name}`);
    await eventually(async () => ((await done()) === 80 ? true : undefined), 60_000);
    expect(await countDocuments(elasticsearch, config.index)).toBe(70);
    const sightings = await elasticsearch.search({
      index: config.index,
      size: 0,
      aggs: { all: { sum: { field: 'sightingCount' } } },
    });
    // The same content is the same sightings (fileHash and position): recorded once.
    expect((sightings.aggregations?.all as { value: number } | undefined)?.value).toBe(178);
  }, 120_000);
});
