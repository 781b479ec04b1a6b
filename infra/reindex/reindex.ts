/**
 * `sluice reindex` (issue 17): rebuilds the alias's index from the stored pages with today's
 * cleaner, through the same queue and workers, into `<alias>-v<N+1>`, then swaps the alias in one
 * request. Searches answer from the old index until the swap.
 *
 * The steps, each safe to run again after a crash (the state lives in Redis, lib/index-state.ts):
 * 1. Take the alias's reindex lock (SET NX with an expiry this process renews).
 * 2. Record the build (source, target, attempt) and create the target from the template. From
 *    then on every file job writes the alias AND the target, so files dropped during the rebuild
 *    are in it; jobs already running (which read the state before) are waited for.
 * 3. List the stored pages (done/, `--from` folders, the spool's indexed stdin input:
 *    stored-pages.ts), one job per content, oldest first,
 *    skipping contents an earlier attempt already settled. Each job claims its articles in the
 *    new dedup state, asking for the id the old index gave the same (or a near-same) article
 *    (workers/dedupe/lasting-record.ts), so ids survive whatever order the jobs run in.
 * 4. Wait until every content is recorded; with failures, stop there (a rerun retries them).
 * 5. Phase `swapping` (new jobs write only the target), wait for every job that wrote both
 *    indices to be done (running or retrying: lib/index-state.ts records them), swap the alias,
 *    make the target's dedup namespace the live one, delete the old index and its dedup state
 *    unless `keepOld`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '../../lib/config.ts';
import type { RedisClient } from '../../lib/connections.ts';
import { ServiceError } from '../../lib/errors.ts';
import { DONE_DIR } from '../../lib/inbox.ts';
import { IndexStateStore, type ReindexedFile } from '../../lib/index-state.ts';
import { partitionPrefixes, pipelinePrefix } from '../../lib/keys.ts';
import type { Logger } from '../../lib/logger.ts';
import { type FileJob, type FileQueues, type IndexTarget, jobIds, openFileQueues } from '../../lib/queues.ts';
import {
  concreteIndexName,
  createVersionIndex,
  currentIndex,
  ensureArticleIndex,
  swapAlias,
} from '../elasticsearch/article-index.ts';
import { listSpooledPages, listStoredPages, type StoredPage } from './stored-pages.ts';

export const REINDEX_DEFAULTS = {
  /** The lock outlives a crashed reindex by at most this long (ms); renewed every third of it. */
  lockTtlMs: 30_000,
  /** How often settled files are counted while waiting (ms). */
  pollMs: 500,
  /** Jobs added per request. */
  addChunk: 500,
} as const;

export interface ReindexOptions {
  /** `partitions` defaults to 1 (SLUICE_PARTITIONS): the reindex's jobs go to their contents' partitions. */
  config: Pick<Config, 'index' | 'indexShards' | 'queuePrefix' | 'inbox' | 'spoolDir'> &
    Partial<Pick<Config, 'partitions'>>;
  redis: RedisClient;
  elasticsearch: Client;
  logger: Logger;
  /** More folders of stored pages, besides `<inbox>/done` and the spool's indexed stdin input. */
  from?: readonly string[];
  /** Keep the old index (and its dedup state) after the swap; default false. */
  keepOld?: boolean;
  /** Swap even when files failed (their articles are then missing from the new index); default false. */
  force?: boolean;
  lockTtlMs?: number;
  pollMs?: number;
  onProgress?: (progress: ReindexProgress) => void;
}

export interface ReindexProgress {
  /** Contents settled (done or failed) out of `total`. */
  files: number;
  total: number;
  articles: number;
  failed: number;
}

export interface ReindexSummary {
  alias: string;
  source: string;
  target: string;
  /** True when an earlier, interrupted reindex was continued. */
  resumed: boolean;
  /** Distinct contents found, and how many were processed by this run (the rest by an earlier attempt). */
  files: number;
  submitted: number;
  articles: number;
  /** Articles that joined an existing document of the new index (near-duplicates). */
  merged: number;
  failed: Array<{ fileName: string; error: string }>;
  documentsBefore: number;
  documentsAfter: number;
  swapped: boolean;
  oldDeleted: boolean;
  seconds: number;
}

export async function reindex(options: ReindexOptions): Promise<ReindexSummary> {
  const started = performance.now();
  const { config, redis, elasticsearch, logger } = options;
  const alias = config.index;
  const prefix = pipelinePrefix(config);
  const state = new IndexStateStore(redis, { prefix, alias });
  const lockTtlMs = options.lockTtlMs ?? REINDEX_DEFAULTS.lockTtlMs;
  const token = randomUUID();
  if (!(await state.lock(token, lockTtlMs))) {
    throw new ServiceError(
      'ELASTICSEARCH_REINDEX_RUNNING',
      `A reindex of "${alias}" is already running (lock held); wait for it, or up to ${lockTtlMs / 1000} s after it crashed`,
      { retryable: false },
    );
  }
  let lockLost = false;
  const renew = setInterval(() => {
    state.renewLock(token, lockTtlMs).then(
      (held) => {
        if (!held) lockLost = true;
      },
      () => undefined,
    );
  }, lockTtlMs / 3);
  const queues = openFileQueues(
    redis,
    partitionPrefixes({ queuePrefix: config.queuePrefix, partitions: config.partitions ?? 1 }),
  );
  try {
    await ensureArticleIndex(elasticsearch, alias, config.indexShards);
    const live = await currentIndex(elasticsearch, alias);
    const before = await state.read();
    const summary: ReindexSummary = {
      alias,
      source: live.index,
      target: '',
      resumed: before.build !== null,
      files: 0,
      submitted: 0,
      articles: 0,
      merged: 0,
      failed: [],
      documentsBefore: await countDocuments(elasticsearch, live.index),
      documentsAfter: 0,
      swapped: false,
      oldDeleted: false,
      seconds: 0,
    };

    if (before.build && live.index === before.build.target.index) {
      // The alias was swapped but the bookkeeping after it was not done (a crash right after).
      summary.target = live.index;
      summary.source = before.build.source;
      summary.documentsAfter = summary.documentsBefore;
      await finishSwap(
        state,
        elasticsearch,
        before.build.target,
        before.build.source,
        before.liveNamespace,
        options,
      );
      summary.swapped = true;
      summary.oldDeleted = !options.keepOld;
      return done(summary, started);
    }
    if (before.build && live.index !== before.build.source) {
      throw new ServiceError(
        'ELASTICSEARCH_INDEX_CONFLICT',
        `A reindex of "${alias}" from ${before.build.source} to ${before.build.target.index} was recorded, but the alias points at ${live.index}`,
        { retryable: false },
      );
    }
    const target: IndexTarget = before.build?.target ?? nextTarget(alias, live.version);
    summary.target = target.index;
    if (!before.build) {
      if (await elasticsearch.indices.exists({ index: target.index })) {
        throw new ServiceError(
          'ELASTICSEARCH_INDEX_CONFLICT',
          `${target.index} exists but no reindex into it is recorded; delete it to reindex "${alias}"`,
          { retryable: false },
        );
      }
      await state.deleteDedupState(target.namespace);
      await state.forgetFiles(target.index);
    }
    // State first, then the index: a crash in between leaves a build a rerun continues.
    const attempt = await state.startBuild(live.index, target);
    await createVersionIndex(elasticsearch, target.index);
    // Jobs already running read the state before the build: once they are done, every file is
    // either in done/ (listed below) or written to the target by its job.
    await waitForActiveJobs(queues.files, options.pollMs);
    logger.info({ alias, source: live.index, target: target.index, attempt }, 'Reindex started.');

    // The spool's inputs are chosen by their sightings: those of the jobs just waited for too.
    await elasticsearch.indices.refresh({ index: live.index });
    const pages = await listStoredPages(
      [join(config.inbox, DONE_DIR), ...(options.from ?? [])],
      await listSpooledPages(config.spoolDir, elasticsearch, live.index),
    );
    summary.files = pages.length;
    const recorded = await state.recordedFiles(target.index);
    const retry = [...recorded].filter(([, file]) => file.status === 'failed').map(([hash]) => hash);
    await state.forgetFiles(target.index, retry);
    const wanted = new Set(pages.map((page) => page.fileHash));
    const toSubmit = pages.filter((page) => recorded.get(page.fileHash)?.status !== 'done');
    summary.submitted = toSubmit.length;
    await submitPages(queues.files, toSubmit, target, attempt);

    for (;;) {
      if (lockLost) throw lostLock(alias);
      const recordedNow = [...(await state.recordedFiles(target.index))];
      const files = recordedNow.filter(([hash]) => wanted.has(hash));
      // Also failures of files dropped during the rebuild that the new index refused.
      const failed = failures(recordedNow);
      const articles = files.reduce((sum, [, file]) => sum + file.articles, 0);
      options.onProgress?.({ files: files.length, total: pages.length, articles, failed: failed.length });
      if (files.length >= pages.length) {
        summary.articles = articles;
        summary.merged = files.reduce((sum, [, file]) => sum + file.articles - file.newArticles, 0);
        summary.failed = failed;
        break;
      }
      await sleep(options.pollMs ?? REINDEX_DEFAULTS.pollMs);
    }
    if (summary.failed.length > 0 && !options.force) return done(summary, started);

    await state.setPhase('swapping');
    // Jobs that wrote the alias during the build must have written the new index too before the
    // alias moves: those still running, and those waiting to run again after a failure.
    await waitForWriters(state, queues.files, logger, options.pollMs);
    if (lockLost) throw lostLock(alias);
    // A writer the new index refused meanwhile: no swap; the build goes on until a rerun.
    const failedLate = failures(await state.recordedFiles(target.index));
    if (failedLate.length > summary.failed.length && !options.force) {
      await state.setPhase('building');
      summary.failed = failedLate;
      return done(summary, started);
    }
    summary.documentsAfter = await countDocuments(elasticsearch, target.index);
    await swapAlias(elasticsearch, alias, live.index, target.index);
    summary.swapped = true;
    logger.info({ alias, source: live.index, target: target.index }, 'Alias swapped to the rebuilt index.');
    await finishSwap(state, elasticsearch, target, live.index, before.liveNamespace, options);
    summary.oldDeleted = !options.keepOld;
    return done(summary, started);
  } finally {
    clearInterval(renew);
    await queues.files.close();
    await state.unlock(token).catch(() => undefined);
  }
}

function nextTarget(alias: string, version: number): IndexTarget {
  const index = concreteIndexName(alias, version + 1);
  return { index, namespace: index };
}

async function finishSwap(
  state: IndexStateStore,
  elasticsearch: Client,
  target: IndexTarget,
  source: string,
  oldNamespace: string,
  options: Pick<ReindexOptions, 'keepOld'>,
): Promise<void> {
  await state.finishBuild(target);
  if (options.keepOld) return;
  await elasticsearch.indices.delete({ index: source, ignore_unavailable: true });
  await state.deleteDedupState(oldNamespace);
}

function done(summary: ReindexSummary, started: number): ReindexSummary {
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

function failures(recorded: Iterable<[string, ReindexedFile]>): ReindexSummary['failed'] {
  return [...recorded]
    .filter(([, file]) => file.status === 'failed')
    .map(([, file]) => ({ fileName: file.fileName, error: file.error ?? 'failed' }));
}

function lostLock(alias: string): ServiceError {
  return new ServiceError(
    'ELASTICSEARCH_REINDEX_RUNNING',
    `The reindex lock of "${alias}" was lost (expired)`,
    {
      retryable: false,
    },
  );
}

async function countDocuments(elasticsearch: Client, index: string): Promise<number> {
  await elasticsearch.indices.refresh({ index });
  return (await elasticsearch.count({ index })).count;
}

/** Waits until no job that is active now still is (jobs that start later read the new state). */
async function waitForActiveJobs(queue: FileQueues, pollMs: number = REINDEX_DEFAULTS.pollMs): Promise<void> {
  let ids = (await queue.getActive()).map((job) => job.id as string);
  while (ids.length > 0) {
    await sleep(pollMs);
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    ids = ids.filter((_, i) => states[i] === 'active');
  }
}

/** A job in one of these states will not run again: it no longer writes anything. */
const SETTLED_JOB_STATES = new Set(['completed', 'failed', 'unknown']);

/** Waits until every job recorded as a writer of both indices (lib/index-state.ts) is settled for good. */
async function waitForWriters(
  state: IndexStateStore,
  queue: FileQueues,
  logger: Logger,
  pollMs: number = REINDEX_DEFAULTS.pollMs,
): Promise<void> {
  for (let told = false; ; told = true) {
    const ids = await state.writers();
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const settled = ids.filter((_, i) => SETTLED_JOB_STATES.has(states[i] as string));
    await state.forgetWriters(settled);
    const pending = ids.length - settled.length;
    if (pending === 0) return;
    if (!told)
      logger.info(
        { jobs: pending },
        'Waiting for the files written to both indices during the rebuild (some may be retrying).',
      );
    await sleep(pollMs);
  }
}

async function submitPages(
  queue: FileQueues,
  pages: readonly StoredPage[],
  target: IndexTarget,
  attempt: number,
): Promise<void> {
  for (let at = 0; at < pages.length; at += REINDEX_DEFAULTS.addChunk) {
    const chunk = pages.slice(at, at + REINDEX_DEFAULTS.addChunk);
    await queue.addBulk(
      chunk.map((page) => {
        const data: FileJob = {
          fileName: page.fileName,
          fileHash: page.fileHash,
          run: 1,
          inboxPath: null,
          origin: 'reindex',
          capturedAt: new Date(page.mtimeMs).toISOString(),
          readPath: page.path,
          target,
        };
        return {
          name: data.fileName,
          data,
          opts: { jobId: jobIds.reindex(page.fileHash, target.index, attempt) },
        };
      }),
    );
  }
}
