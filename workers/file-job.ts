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
 *            then count the page's short lines for learned chrome (after use: a file never
 *            learns from itself, a retry neither)
 *
 * A retry (a crash, Elasticsearch away) runs the whole job again: claims and sightings are
 * idempotent, so it changes nothing the first attempt did. Why one job and not a job per stage
 * or per article: docs/architecture.md, "One job per file".
 */
import type { Job } from 'bullmq';
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
import { claimArticles, lastingKeys } from './dedupe/lasting-record.ts';
import type { NearDuplicateIndex } from './dedupe/near-duplicate-index.ts';
import type { ExtractedPage, ExtractOptions } from './extract/extract-articles.ts';
import type { ChromeKey, KnownChrome } from './extract/learned-chrome.ts';
import { readPage } from './extract/read-page.ts';
import { fileOutcome, type IndexedArticle } from './finalize/file-outcome.ts';
import { type ArticleBatcher, indexArticles } from './index/index-articles.ts';

export type StageName = 'extract' | 'dedupe' | 'index' | 'finalize';

export interface FileJobStages {
  ledger: FileLedger;
  /** Bytes to articles and chrome keys (workers/extract/extract-articles.ts extractPage, or its sandboxed pool). */
  extract: (bytes: Uint8Array, options: ExtractOptions) => ExtractedPage | Promise<ExtractedPage>;
  /** Learned chrome (workers/extract/chrome-store.ts); absent: nothing learned (SLUICE_LEARN_CHROME=off). */
  chrome?: ChromeLearning;
  /** The alias's dedup state and batcher (used when `indexes` is not given). */
  nearDuplicates: Pick<NearDuplicateIndex, 'claimAll' | 'seed'>;
  /**
   * The lasting record (Elasticsearch) for articles Redis no longer remembers
   * (workers/dedupe/lasting-record.ts), for the alias; without it Redis alone decides.
   */
  lastingRecord?: LastingRecordLookup;
  batcher: Pick<ArticleBatcher, 'submit'>;
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
  /** Where a file job writes now: the alias first, then the index a reindex is building, if any. */
  targets(): Promise<IndexTarget[]>;
  nearDuplicates(namespace: string): Pick<NearDuplicateIndex, 'claimAll' | 'seed'>;
  batcher(index: string): Pick<ArticleBatcher, 'submit'>;
  /** Records a reindex job's outcome (a reindex job has no ledger entry and moves no file). */
  recordReindexed(target: IndexTarget, fileHash: string, file: ReindexedFile): Promise<void>;
}

/** What a finished job keeps: the outcome, small (the dashboard shows it). */
export type FileJobResult =
  | (FileOutcome & { fileName: string })
  | { status: 'skipped' | 'repeat'; fileName: string };

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
  let file: FileRef = data;
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

  const extracted = await tracker.run('extract', async () => {
    // A watched file is a file of the inbox: a job naming any other path is refused unread.
    const readPath = file.origin === 'watch' ? inboxFile(stages.ledger.inbox, data.readPath) : data.readPath;
    const page = await readPage(readPath, file.fileName);
    if (page.fileHash !== file.fileHash) {
      const changed = await contentChanged(stages, file, page.fileHash, log);
      if (!changed) return null;
      file = changed;
    }
    return extractWithChrome(stages, page.bytes, file, log);
  });
  if (!extracted) return { status: 'repeat', fileName: file.fileName };
  const { articles } = extracted;
  log.info({ articles: articles.length }, 'Page split into articles.');

  // The alias decides the file's outcome; an index a reindex is building gets the same articles
  // under its own dedup state (a refusal there is logged, a retryable failure retries the job).
  const [live, ...building] = stages.indexes
    ? await stages.indexes.targets()
    : [{ index: '', namespace: '' }];
  const results = await indexInto(stages, tracker, file, articles, live as IndexTarget, true);
  for (const target of building) {
    const refused = (await indexInto(stages, tracker, file, articles, target, false)).filter(
      (r) => 'failure' in r,
    );
    if (refused.length > 0)
      log.warn(
        { index: target.index, refused: refused.length },
        'Articles refused by the index being rebuilt.',
      );
  }

  const outcome = await tracker.run('finalize', async () => {
    const decided = fileOutcome(results);
    await settleFile(stages.ledger, file, decided);
    return decided;
  });
  countSettled(stages, outcome, results);
  await countChrome(stages, file.fileHash, extracted.chromeKeys, log);
  if (outcome.status === 'done')
    log.info({ articles: outcome.articles, newArticles: outcome.newArticles }, 'File indexed.');
  else log.warn({ code: outcome.failure.code }, `File failed: ${outcome.failure.message}`);
  return { ...outcome, fileName: file.fileName };
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
  const results = await indexInto(stages, tracker, file, articles, target, false);
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
  live: boolean,
) {
  const nearDuplicates = stages.indexes?.nearDuplicates(target.namespace) ?? stages.nearDuplicates;
  const batcher = stages.indexes?.batcher(target.index) ?? stages.batcher;
  // The lasting record is the alias's: an index a reindex builds starts its dedup state afresh.
  const lastingRecord = live ? stages.lastingRecord : undefined;
  const claims = await tracker.run('dedupe', async () => {
    const fingerprints = articles.map((article) => fingerprintArticle(article));
    const claimed = await claimArticles(nearDuplicates, fingerprints, lastingRecord);
    return claimed.map((claim, i) => {
      const fingerprint = fingerprints[i] as (typeof fingerprints)[number];
      return { ...claim, exactFingerprint: fingerprint.exact, ...lastingKeys(fingerprint) };
    });
  });
  return tracker.run('index', () => indexArticles(batcher, file, articles, claims));
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
