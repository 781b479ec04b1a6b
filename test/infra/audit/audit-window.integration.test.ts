/**
 * The audit once the window has passed (issue 15): settled ledger entries expire a window after
 * they settled, so the done files are no longer in the ledger; the audit checks them against
 * the index (sightings of their content hash) instead of reporting them as never processed.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPipeline } from '../../../infra/audit/audit.ts';
import { ledgerKey, pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger } from '../../../lib/logger.ts';
import { eventually } from '../../eventually.ts';
import { pipelinePerFile } from '../../pipeline-harness.ts';

const PAGES = new URL('../../../../shared/data/aggregator-pages/pages/', import.meta.url);
const logger = createLogger({ level: 'warn' });
const WINDOW_MS = 2000;
const FILES = 3;

const pipeline = pipelinePerFile({ SLUICE_DEDUP_WINDOW: `${WINDOW_MS}ms` }, { logger });

describe('sluice audit past the window', () => {
  it('balances done files whose ledger entries expired, verified by their sightings in the index', async () => {
    const { config, redis } = pipeline();
    const names = (await readdir(PAGES))
      .filter((name) => name.endsWith('.txt'))
      .sort()
      .slice(0, FILES);
    for (const name of names) await copyFile(new URL(name, PAGES), join(config.inbox, name));
    const done = async () => (await readdir(join(config.inbox, 'done')).catch(() => [])).length;
    await eventually(async () => ((await done()) === FILES ? true : undefined), 60_000);

    // Past the window: the settled entries have expired by themselves.
    await eventually(
      async () =>
        (await redis.keys(ledgerKey(pipelinePrefix(config), '*'))).length === 0 ? true : undefined,
      5 * WINDOW_MS,
      200,
    );
    const report = await auditPipeline(config);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      balanced: true,
      files: { done: FILES },
      ledger: { contents: 0 },
      window: { ms: WINDOW_MS, outside: FILES, verified: FILES },
    });
  });
});
