/**
 * One file, one job: the topology of the pipeline, composed from the stages (which never import
 * each other). A `files` job names where the file's bytes are; its processor runs the stages in
 * order and settles the file:
 *
 *   extract  read the bytes (checking they still are the content that was queued), split the
 *            page into articles, with the chrome the pipeline has learned (workers/extract/chrome-store.ts)
 *   dedupe   fingerprint every article and claim them all in one script call
 *   index    record every article's sighting through the shared bulk batcher, wait for the acks
 *   finalize move the file to done/ (or failed/, with its report) and record it in the ledger;
 *            a file that changed after it was read (still being written) goes back into the
 *            inbox as new content instead, its sightings taken back (lib/inbox.ts settleFile)
 *            then count the page's short lines for learned chrome (after use: a file never
 *            learns from itself, a retry neither)
 *
 * A retry (a crash, Elasticsearch away) runs the whole job again: claims and sightings are
 * idempotent, so it changes nothing the first attempt did. Why one job and not a job per stage
 * or per article: docs/architecture.md, "One job per file".
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, JobsOptions } from 'bullmq';
import type { Article } from '../lib/article.ts';
import type { LastingRecordLookup } from '../lib/article-document.ts';
import { InputError } from '../lib/errors.ts';
import type { FileLedger } from '../lib/file-ledger.ts';
import { type FileOutcome, finishSettlement, inboxFile, moveToDone, settleFile } from '../lib/inbox.ts';
import type { ReindexedFile } from '../lib/index-state.ts';
import { isFinalFailure, jobProcessor, settleIfGivenUp } from '../lib/job-errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { SluiceMetrics } from '../lib/metrics.ts';
import { type FileJob, type FileRef, type IndexTarget, parseJobData } from '../lib/queues.ts';
import { fingerprintArticle } from './dedupe/fingerprint.ts';
import { type ClaimSources, claimArticles, lastingKeys } from './dedupe/lasting-record.ts';
import type { NearDuplicateIndex } from './dedupe/near-duplicate-index.ts';
import type { ExtractedPage, ExtractOptions } from './extract/extract-articles.ts';
import type { ChromeKey, KnownChrome } from './extract/learned-chrome.ts';
import { readPage } from './extract/read-page.ts';
import { fileOutcome, type IndexedArticle } from './finalize/file-outcome.ts';
import { type ArticleBatcher, indexArticles, retractArticles } from './index/index-articles.ts';

export type StageName = 'extract' | 'dedupe' | 'index' | 'finalize';

export interface FileJobStages {
  ledger: FileLedger;
  /** Bytes to articles and chrome keys (workers/extract/extract-articles.ts extractPage, or its sandboxed pool). */
  extract: (bytes: Uint8Array, options: ExtractOptions) => ExtractedPage | Promise<ExtractedPage>;
  /** Learned chrome (workers/extract/chrome-store.ts); absent: nothing learned (SLUICE_LEARN_CHROME=off). */
  chrome?: ChromeLearning;
  /** The alias's dedup state and batcher (used when `indexes` is not given). */
  nearDuplicates: DedupState;
  /**
   * The lasting record (Elasticsearch) for articles Redis no longer remembers
   * (workers/dedupe/lasting-record.ts), for the alias; without it Redis alone decides.
   */
  lastingRecord?: LastingRecordLookup;
  batcher: Pick<ArticleBatcher, 'submit'>;
  /**
   * Queues a files job (under its content's job id) for a file that changed under its job and is
   * back in the inbox as new content; without it such a file is left to the folder producer.
   */
  requeue?: (file: FileJob, options: Pick<JobsOptions, 'attempts' | 'backoff'>) => Promise<void>;
  /** Where articles go when a reindex may be running (workers/pipeline.ts); default the alias only. */
  indexes?: IndexWriters;
  logger: Logger;
  metrics?: Pick<SluiceMetrics, 'stageDuration' | 'articles' | 'filesDone' | 'filesFailed'>;
}

/** What extraction is taught, and what each file teaches (workers/extract/chrome-store.ts). */
export interface ChromeLearning {
  known(): Promise<KnownChrome>;
  count(fileHash: string, keys: readonly ChromeKey[]): Promise<unknown>;
}

/** The indices a job writes, each with its own dedup state and batcher (issue 17, reindex). */
export interface IndexWriters {
  /**
   * Where file job `jobId` writes now: the alias first, then the index a reindex is building, if
   * any (lib/index-state.ts writeTargets: a job that wrote both keeps writing both until it is done).
   */
  targets(jobId: string): Promise<IndexTarget[]>;
  nearDuplicates(namespace: string): DedupState;
  batcher(index: string): Pick<ArticleBatcher, 'submit'>;
  /** Records a reindex job's outcome (a reindex job has no ledger entry and moves no file). */
  recordReindexed(target: IndexTarget, fileHash: string, file: ReindexedFile): Promise<void>;
}

/** What the file job asks of a near-duplicate index: claims, seeds, and releasing superseded claims. */
export type DedupState = Pick<NearDuplicateIndex, 'claimAll' | 'seed' | 'release'>;

/**
 * What a finished job keeps: the outcome, small (the dashboard shows it). `superseded`: the file
 * changed after it was read and went back into the inbox as new content.
 */
export type FileJobResult =
  | (FileOutcome & { fileName: string })
  | { status: 'skipped' | 'repeat' | 'superseded'; fileName: string };

/**
 * A job still running after this long reports its stage as job progress (the queue board shows
 * it); the many short jobs spend no Redis command on progress.
 */
const PROGRESS_AFTER_MS = 1000;

export function fileProcessor(stages: FileJobStages): (job: Job) => Promise<FileJobResult> {
  return async (job) => {
    const tracker = stageTracker(job, stages.metrics);
    try {
      return await jobProcessor(
        (running) => processFile(stages, running, tracker),
        async (failedJob, error) => {
          stages.logger.warn(
            {
              file: failedJob.name,
              jobId: failedJob.id,
              stage: tracker.current,
              attempt: failedJob.attemptsMade + 1,
            },
            `Job failed: ${error.message}`,
          );
          // Out of retries (or bad input): the file goes to failed/ with its report, never stays pending.
          const file = parseJobData('files', failedJob.data, { orNull: true });
          if (file?.target) {
            if (isFinalFailure(failedJob, error))
              await requireIndexes(stages).recordReindexed(file.target, file.fileHash, {
                status: 'failed',
                fileName: file.fileName,
                articles: 0,
                newArticles: 0,
                error: error.message,
              });
            return;
          }
          const outcome = await settleIfGivenUp(settling(stages), failedJob, error, file, tracker.current);
          if (outcome && file)
            stages.logger.warn(
              { file: file.fileName, jobId: failedJob.id, stage: tracker.current },
              `File failed: ${error.message}`,
            );
        },
      )(job);
    } finally {
      tracker.stop();
    }
  };
}

async function processFile(stages: FileJobStages, job: Job, tracker: StageTracker): Promise<FileJobResult> {
  const data = parseJobData('files', job.data);
  if (data.target) return reindexFile(stages, job, tracker, data, data.target);
  const file: FileRef = data;
  const log = stages.logger.child({ file: file.fileName, jobId: job.id });
  // A job's first attempt runs on a pending run (the producer queued it so); only a retry, or a
  // run taken up again after its worker died, may find it settled.
  const rerun = job.attemptsMade > 0 || job.stalledCounter > 0;
  const entry = rerun ? await stages.ledger.get(file.fileHash) : null;
  if (entry && (entry.run !== file.run || entry.status !== 'pending')) {
    // Settled before (a retry after a crash or a failed move): only the move may be left to do.
    await tracker.run('finalize', () =>
      finishSettlement(stages.ledger.inbox, file, entry, async () => {
        const page = await readPage(data.readPath, file.fileName).catch(() => null);
        return page?.fileHash === file.fileHash;
      }),
    );
    return { status: 'skipped', fileName: file.fileName };
  }

  const settled = await processContent(stages, tracker, file, data.readPath, job.id as string, log);
  if ('result' in settled) return settled.result;
  const { backAt } = settled;
  if (!backAt) log.info('File changed after it was read, then vanished: its sightings were taken back.');
  else {
    log.info(
      { backAt: basename(backAt) },
      'File changed after it was read: its sightings were taken back, and it is back in the inbox.',
    );
    await tracker.run('finalize', () => requeueChanged(stages, job, file, backAt));
  }
  return { status: 'superseded', fileName: file.fileName };
}

/** The job's result, or where the file is back in the inbox (null: gone) after it changed. */
type ContentResult = { result: FileJobResult } | { backAt: string | null };

/** One content of the file: read (checking it is the content queued), extract, dedupe, index, settle. */
async function processContent(
  stages: FileJobStages,
  tracker: StageTracker,
  queued: FileRef,
  readPath: string,
  jobId: string,
  log: Logger,
): Promise<ContentResult> {
  let file = queued;
  const extracted = await tracker.run('extract', async () => {
    // A watched file is a file of the inbox: a job naming any other path is refused unread.
    const path = file.origin === 'watch' ? inboxFile(stages.ledger.inbox, readPath) : readPath;
    const page = await readPage(path, file.fileName);
    if (page.fileHash !== file.fileHash) {
      const changed = await contentChanged(stages, file, page.fileHash, log);
      if (!changed) return null;
      file = changed;
    }
    return extractWithChrome(stages, page.bytes, file, log);
  });
  if (!extracted) return { result: { status: 'repeat', fileName: file.fileName } };
  const { articles } = extracted;
  log.info({ articles: articles.length }, 'Page split into articles.');

  // The alias decides the file's outcome; an index a reindex is building gets the same articles
  // under its own dedup state and the alias's ids and groups (a retryable failure retries the job).
  const [live, ...building] = stages.indexes
    ? await stages.indexes.targets(jobId)
    : [{ index: '', namespace: '' }];
  const written = [
    await indexInto(stages, tracker, file, articles, live as IndexTarget, {
      lastingRecord: stages.lastingRecord,
    }),
  ];
  const { results, ids } = written[0] as IndexedFile;
  for (const target of building) {
    const keepIds = ids.map((articleId) => ({ articleId, sameVersion: true }));
    written.push(await indexInto(stages, tracker, file, articles, target, { keepIds }));
    await recordRefusals(stages, target, file, results, (written.at(-1) as IndexedFile).results, log);
  }

  const decided = fileOutcome(results);
  const settled = await tracker.run('finalize', () =>
    settleFile(stages.ledger, file, decided, async () => {
      for (const indexed of written) await indexed.retract(log);
    }),
  );
  if (settled.status === 'superseded') return { backAt: settled.backAt };
  countSettled(stages, decided, results);
  await countChrome(stages, file.fileHash, extracted.chromeKeys, log);
  if (decided.status === 'done')
    log.info({ articles: decided.articles, newArticles: decided.newArticles }, 'File indexed.');
  else log.warn({ code: decided.failure.code }, `File failed: ${decided.failure.message}`);
  return { result: { ...decided, fileName: file.fileName } };
}

/**
 * A file read again after it changed under its job is queued once it has not changed for this
 * long, in ms: the folder watcher's stability wait, as its writer may still be writing.
 */
const STILL_MS = 300;

/**
 * The file is back in the inbox after it changed under its job (lib/inbox.ts settleFile): once it
 * is still, its new content is claimed and queued under that content's own job id, with this
 * job's retry policy, as the folder producer would queue it. The producer, if it sees the file
 * come back, finds that job and leaves it be (a file's content is one job, never two at once).
 * Without `requeue` the file is left to the producer.
 */
async function requeueChanged(stages: FileJobStages, job: Job, file: FileRef, backAt: string): Promise<void> {
  if (!stages.requeue) return;
  await untilStill(backAt, STILL_MS);
  const fileName = basename(backAt);
  const page = await readPage(inboxFile(stages.ledger.inbox, backAt), fileName).catch(() => null);
  const captured = await stat(backAt).catch(() => null);
  if (!page || !captured) return; // gone, or not readable: the producer decides, as for any file
  const claim = await stages.ledger.claim({ fileHash: page.fileHash, path: backAt, fileName, follow: true });
  // A copy of content in flight elsewhere waits for it (the ledger settles it with that content).
  if (claim.outcome === 'follow') return;
  if (claim.outcome === 'repeat') {
    await moveToDone(stages.ledger.inbox, backAt);
    return;
  }
  await stages.requeue(
    {
      ...file,
      fileName,
      fileHash: page.fileHash,
      run: claim.run,
      inboxPath: backAt,
      readPath: backAt,
      capturedAt: captured.mtime.toISOString(),
    },
    { attempts: job.opts.attempts, backoff: job.opts.backoff },
  );
}

/** Resolves once the file's size and modification time have not changed for `ms` (or it is gone). */
async function untilStill(path: string, ms: number): Promise<void> {
  const look = () =>
    stat(path).then(
      ({ size, mtimeMs }) => `${size}:${mtimeMs}`,
      () => null,
    );
  let last = await look();
  for (let stillSince = Date.now(); last !== null && Date.now() - stillSince < ms; ) {
    await sleep(Math.min(100, ms));
    const now = await look();
    if (now !== last) stillSince = Date.now();
    last = now;
  }
}

/**
 * A stored page read again into the index a reindex builds: no ledger entry (the file was settled
 * long ago) and no move (it stays in done/); the outcome is recorded for the reindex instead.
 */
async function reindexFile(
  stages: FileJobStages,
  job: Job,
  tracker: StageTracker,
  file: FileJob,
  target: IndexTarget,
): Promise<FileJobResult> {
  const indexes = requireIndexes(stages);
  const articles = await tracker.run('extract', async () => {
    const page = await readPage(file.readPath, file.fileName);
    if (page.fileHash !== file.fileHash)
      throw new InputError('INPUT_CHANGED', `${file.fileName} changed since the reindex listed it`, {
        file: file.fileName,
      });
    return (await extractWithChrome(stages, page.bytes, file, stages.logger)).articles;
  });
  // Dedup state afresh; the ids of the alias's index (the one being rebuilt) are kept.
  const { results } = await indexInto(stages, tracker, file, articles, target, {
    keepIds: stages.lastingRecord,
  });
  const outcome = fileOutcome(results);
  await tracker.run('finalize', () =>
    indexes.recordReindexed(target, file.fileHash, {
      status: outcome.status,
      fileName: file.fileName,
      articles: outcome.articles ?? 0,
      newArticles: outcome.newArticles ?? 0,
      ...(outcome.status === 'failed'
        ? { error: `${outcome.failure.code}: ${outcome.failure.message}` }
        : {}),
    }),
  );
  stages.logger.debug({ file: file.fileName, jobId: job.id, index: target.index }, 'File reindexed.');
  return { ...outcome, fileName: file.fileName };
}

/**
 * Articles the alias took and the index being rebuilt refused would be missing once the alias
 * moves: the file is recorded as failed for the reindex, which then does not swap (a rerun
 * retries it from done/, `--force` swaps without it).
 */
async function recordRefusals(
  stages: FileJobStages,
  target: IndexTarget,
  file: FileRef,
  live: readonly IndexedArticle[],
  rebuilt: readonly IndexedArticle[],
  log: Logger,
): Promise<void> {
  const refused = rebuilt.flatMap((result, i) =>
    'failure' in result && !('failure' in (live[i] as IndexedArticle)) ? [result.failure] : [],
  );
  const first = refused[0];
  if (!first) return;
  log.warn({ index: target.index, refused: refused.length }, 'Articles refused by the index being rebuilt.');
  await requireIndexes(stages).recordReindexed(target, file.fileHash, {
    status: 'failed',
    fileName: file.fileName,
    articles: rebuilt.length,
    newArticles: 0,
    error: `${first.code}: ${first.message}`,
  });
}

/** What indexing a file into one index did, and how to take it back. */
interface IndexedFile {
  results: IndexedArticle[];
  /** Each article's document id. */
  ids: string[];
  /**
   * Takes back the file's sightings and, for the documents that had no other, releases the
   * articles' claims, so that the content that superseded this one is not taken for duplicates
   * of it (a complete page's articles are near-duplicates of its half-written version's).
   */
  retract(log: Logger): Promise<void>;
}

/**
 * The file's articles, extracted with the chrome learned so far. Learning is a help, not a
 * stage: when Redis does not answer the read, the file is extracted with nothing learned.
 */
async function extractWithChrome(
  stages: FileJobStages,
  bytes: Uint8Array,
  file: FileRef,
  log: Logger,
): Promise<ExtractedPage> {
  const knownChrome = await stages.chrome?.known().catch((error: Error) => {
    log.warn({ err: error }, 'Learned chrome unreadable; extracting without it.');
    return undefined;
  });
  return stages.extract(bytes, {
    fileName: file.fileName,
    capturedAt: new Date(file.capturedAt),
    knownChrome,
  });
}

/** Counts a settled file's short lines for learned chrome; a failure is logged, the file stays settled. */
async function countChrome(
  stages: FileJobStages,
  fileHash: string,
  keys: readonly ChromeKey[],
  log: Logger,
): Promise<void> {
  if (!stages.chrome || keys.length === 0) return;
  try {
    await stages.chrome.count(fileHash, keys);
  } catch (error) {
    log.warn({ err: error }, 'Counting the page for learned chrome failed.');
  }
}

/** Dedupe and index of one file's articles into one index (`indexes` absent: the alias's stages). */
async function indexInto(
  stages: FileJobStages,
  tracker: StageTracker,
  file: FileRef,
  articles: readonly Article[],
  target: IndexTarget,
  sources: ClaimSources,
): Promise<IndexedFile> {
  const nearDuplicates = stages.indexes?.nearDuplicates(target.namespace) ?? stages.nearDuplicates;
  const batcher = stages.indexes?.batcher(target.index) ?? stages.batcher;
  const fingerprints = articles.map((article) => fingerprintArticle(article));
  const claims = await tracker.run('dedupe', async () => {
    const claimed = await claimArticles(nearDuplicates, fingerprints, sources);
    return claimed.map((claim, i) => {
      const fingerprint = fingerprints[i] as (typeof fingerprints)[number];
      return { ...claim, exactFingerprint: fingerprint.exact, ...lastingKeys(fingerprint) };
    });
  });
  const results = await tracker.run('index', () => indexArticles(batcher, file, articles, claims));
  const ids = claims.map((claim) => claim.articleId);
  return {
    results,
    ids,
    async retract(log) {
      const retracted = await retractArticles(batcher, file.fileHash, ids);
      const refused = retracted.filter((result) => 'failure' in result).length;
      if (refused > 0)
        log.warn({ index: target.index || undefined, refused }, 'Sightings of superseded content refused.');
      const gone = new Set(ids.filter((_, i) => (retracted[i] as { deleted?: boolean }).deleted));
      await nearDuplicates.release(
        ids.flatMap((articleId, i) =>
          gone.has(articleId)
            ? [{ articleId, fingerprint: fingerprints[i] as (typeof fingerprints)[number] }]
            : [],
        ),
      );
    },
  };
}

function requireIndexes(stages: FileJobStages): IndexWriters {
  if (!stages.indexes) throw new Error('A reindex job reached a worker built without index writers');
  return stages.indexes;
}

/**
 * The file no longer holds the content that was queued (rewritten in place, or replaced): the
 * queued content is settled as superseded, never indexed, and the job goes on with what the file
 * holds now, as that content's own run; when that content was seen before, the file is a repeat.
 */
async function contentChanged(
  stages: FileJobStages,
  file: FileRef,
  fileHash: string,
  log: Logger,
): Promise<FileRef | null> {
  await stages.ledger.settle(file.fileHash, file.run, {
    status: 'failed',
    error: {
      code: 'INPUT_CHANGED',
      message: 'The file changed after it was queued; its new content was processed instead.',
      stage: 'extract',
    },
  });
  const path = file.inboxPath ?? '-';
  const claim = await stages.ledger.claim({ fileHash, path, fileName: file.fileName });
  log.info(
    { previous: file.fileHash, fileHash, outcome: claim.outcome },
    'File changed after it was queued; processing its new content.',
  );
  if (claim.outcome === 'repeat') {
    if (file.inboxPath) await moveToDone(stages.ledger.inbox, file.inboxPath);
    return null;
  }
  return { ...file, fileHash, run: claim.run };
}

/** The settling side of the stages, as lib/job-errors.ts settles a given-up file. */
function settling(stages: FileJobStages) {
  return {
    ledger: stages.ledger,
    onSettled: (outcome: FileOutcome) => {
      if (outcome.status === 'failed') stages.metrics?.filesFailed.inc({ code: outcome.failure.code });
    },
  };
}

function countSettled(stages: FileJobStages, outcome: FileOutcome, results: readonly IndexedArticle[]): void {
  const { metrics } = stages;
  if (!metrics) return;
  for (const result of results) {
    metrics.articles.inc({ outcome: 'failure' in result ? 'failed' : result.created ? 'new' : 'merged' });
  }
  if (outcome.status === 'done') metrics.filesDone.inc();
  else metrics.filesFailed.inc({ code: outcome.failure.code });
}

interface StageTracker {
  /** The stage running now (the last one started). */
  readonly current: StageName;
  run<T>(stage: StageName, work: () => Promise<T>): Promise<T>;
  stop(): void;
}

/** Times each stage, and reports the stage as job progress once the job has run a while. */
function stageTracker(job: Job, metrics: FileJobStages['metrics']): StageTracker {
  let current: StageName = 'extract';
  let reporting = false;
  const report = () => {
    reporting = true;
    void job.updateProgress({ stage: current }).catch(() => undefined);
  };
  const timer = setTimeout(report, PROGRESS_AFTER_MS);
  timer.unref();
  return {
    get current() {
      return current;
    },
    async run(stage, work) {
      current = stage;
      if (reporting) report();
      const started = performance.now();
      try {
        return await work();
      } finally {
        metrics?.stageDuration.observe({ stage }, (performance.now() - started) / 1000);
      }
    },
    stop() {
      clearTimeout(timer);
    },
  };
}
