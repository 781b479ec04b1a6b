/**
 * The accounting of `sluice audit`, as a pure function: what the pipeline has seen (the file
 * ledger), where each file went (inbox, done/, failed/), which jobs hold it, and what reached
 * Elasticsearch (sightings per file), reconciled into counts and a list of problems. Gathering
 * the facts is I/O and lives in audit-facts.ts; the rules live here, so they are tested directly.
 *
 * The rules, each a promise of the README's "Guarantees":
 * - every claimed, unsettled content has a live job (else nothing will ever settle it);
 * - every settled content read from the inbox is in done/ or failed/ (never lost);
 * - every file in done/ was recorded in the ledger; every file in failed/ has its report;
 * - a done content has exactly one sighting per article in the index, none more (nothing
 *   doubled, nothing lost), a superseded content none (what was indexed of a file that changed
 *   after it was read was taken back), and no content has sightings the ledger does not know of.
 * A settled ledger entry expires a window (SLUICE_DEDUP_WINDOW) after it settled (issue 15): a
 * file in done/ that settled longer ago than that and that the ledger no longer knows is
 * checked against the index instead, by the sightings of its content hash (a done file has at
 * least one article). One the ledger forgot within the window is state lost, as before.
 */
import { dirname } from 'node:path';
import type { JobState } from 'bullmq';
import type { LedgerEntry } from '../../lib/file-ledger.ts';
import { reportName } from '../../lib/inbox.ts';
import type { QueueName } from '../../lib/queues.ts';

/** A file found in the inbox, done/ or failed/; `fileHash` is null for what is not a regular file. */
export interface FoundFile {
  name: string;
  fileHash: string | null;
  /**
   * When the file last changed place (its ctime, ms since the epoch): for a file in done/, when
   * it was moved there, just before its ledger entry settled.
   */
  changedAt?: number;
}

export interface FailedFile extends FoundFile {
  /** The code of `<name>.error.json`, or null when there is no (readable) report. */
  reportCode: string | null;
}

/** States of a job BullMQ reports; `unknown`: no such job. */
export type LiveJobState = JobState | 'unknown';

export interface AuditFacts {
  /** Regular files (and symlinks) at the top level of the inbox, temporary and hidden names left out. */
  inbox: FoundFile[];
  /** Names in the inbox the producers skip while they are being written (`.x.part`, `x.tmp`...). */
  ignored: string[];
  done: FoundFile[];
  failed: FailedFile[];
  /** `<name>.error.json` in failed/ whose file is not there (the file vanished before it could be moved). */
  reportsWithoutFile: string[];
  /** The inbox's absolute path (resolved): ledger entries read from it must end in done/ or failed/. */
  inboxPath: string;
  ledger: Array<{ fileHash: string; entry: LedgerEntry }>;
  /** For each pending ledger entry (by hash): the state of its finalize job, else of its extract job. */
  pendingJobs: Record<string, LiveJobState>;
  /** Jobs per state per queue, as BullMQ's getJobCounts gives them. */
  jobs: Record<QueueName, Record<string, number>>;
  /**
   * What the index holds, or why it cannot be read: the alias does not exist (nothing set up
   * yet, or the index was deleted), or it names an index that is not Sluice's.
   */
  index: { documents: number; sightingsByFile: Record<string, number> } | { unavailable: string };
  /** How long a settled ledger entry is kept (SLUICE_DEDUP_WINDOW), in ms. */
  windowMs: number;
  /** When the facts were gathered, ms since the epoch. */
  now: number;
}

export type ProblemKind =
  | 'pending-without-job'
  | 'pending-job-failed'
  | 'file-missing'
  | 'done-not-recorded'
  | 'failed-without-report'
  | 'sightings-missing'
  | 'sightings-doubled'
  | 'sightings-superseded'
  | 'sightings-unknown-file'
  | 'documents-without-sightings'
  | 'index-unavailable';

export interface Problem {
  kind: ProblemKind;
  /** A sentence saying what is wrong and with which file. */
  message: string;
  fileHash?: string;
  fileName?: string;
}

/** Job states in which a job still has work ahead of it. */
const UNFINISHED_STATES = ['waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'paused'];

/**
 * Problems that say the pipeline's records are gone (Redis lost its data): the files are safe in
 * done/ or failed/, but the ledger does not know them. The others say a file or an article is lost.
 */
const STATE_LOST: ReadonlySet<ProblemKind> = new Set(['done-not-recorded', 'sightings-unknown-file']);

export interface AuditReport {
  /** True when no problem was found. */
  balanced: boolean;
  /**
   * What the problems mean: `state` counts records lost (files safe, Redis forgot them: drop the
   * files again to record them), `files` counts files or articles lost or unaccounted for.
   */
  losses: { state: number; files: number };
  /** True when nothing is waiting or in flight: the inbox is empty and no job has work ahead. */
  settled: boolean;
  files: {
    /** Files at the top level of the inbox: in flight plus not yet taken up by a producer. */
    inbox: number;
    /** Files in the inbox that are not input while their names say they are being written. */
    ignored: string[];
    inFlight: number;
    unseen: number;
    done: number;
    failed: number;
    failedReports: number;
    reportsWithoutFile: number;
  };
  ledger: {
    contents: number;
    pending: number;
    done: number;
    failed: number;
    /** Times known content was dropped again and not processed. */
    repeats: number;
    /** Articles of the done contents. */
    articles: number;
  };
  /** Jobs per queue per state; `unfinished` sums the states with work ahead. */
  jobs: Record<string, Record<string, number> & { unfinished: number }>;
  index: { documents: number; sightings: number; filesWithSightings: number };
  /**
   * Done files settled over a window ago whose ledger entries expired (`outside`), and how many
   * of them the index holds sightings of (`verified`; the others are problems).
   */
  window: { ms: number; outside: number; verified: number };
  problems: Problem[];
}

export function reconcile(facts: AuditFacts): AuditReport {
  const problems: Problem[] = [];
  const ledger = new Map(facts.ledger.map(({ fileHash, entry }) => [fileHash, entry]));
  const hashesIn = (files: FoundFile[]) => new Set(files.map((file) => file.fileHash).filter(isHash));
  const doneHashes = hashesIn(facts.done);
  const failedHashes = hashesIn(facts.failed);
  const inboxHashes = hashesIn(facts.inbox);
  const entries = facts.ledger.map(({ entry }) => entry);
  const count = (status: LedgerEntry['status']) => entries.filter((entry) => entry.status === status).length;
  const readable = 'sightingsByFile' in facts.index ? facts.index : null;
  const sightings = readable?.sightingsByFile ?? {};
  // Done files whose entries expired with the window: they answer to the index, not the ledger.
  const outsideWindow = facts.done.filter(
    (file): file is FoundFile & { fileHash: string } =>
      file.fileHash !== null &&
      !ledger.has(file.fileHash) &&
      file.changedAt !== undefined &&
      facts.now - file.changedAt >= facts.windowMs,
  );
  const outsideHashes = new Set(outsideWindow.map((file) => file.fileHash));
  for (const file of outsideWindow) {
    if (!readable || (sightings[file.fileHash] ?? 0) > 0) continue;
    problems.push({
      kind: 'sightings-missing',
      fileName: file.name,
      fileHash: file.fileHash,
      message: `done/${file.name} settled over a window ago (its ledger entry expired), but the index records no sighting of it.`,
    });
  }

  for (const { fileHash, entry } of facts.ledger) {
    const name = { fileHash, fileName: entry.fileName };
    if (entry.status === 'pending') {
      const state = facts.pendingJobs[fileHash] ?? 'unknown';
      if (state === 'unknown') {
        problems.push({
          kind: 'pending-without-job',
          ...name,
          message: `${entry.fileName} (run ${entry.run}) was claimed but has no job: nothing will settle it until it is dropped again.`,
        });
      } else if (state === 'failed') {
        problems.push({
          kind: 'pending-job-failed',
          ...name,
          message: `${entry.fileName} (run ${entry.run}): its job failed for good but the file was never settled.`,
        });
      }
      continue;
    }
    // Content a file held when it was queued and no longer held when it was read (never indexed),
    // or when its job had moved it (its sightings taken back): no file of it is left to find
    // (the file went on as its new content).
    const superseded = entry.status === 'failed' && entry.error?.includes('"code":"INPUT_CHANGED"');
    if (dirname(entry.path) === facts.inboxPath && !superseded) {
      const found = doneHashes.has(fileHash) || failedHashes.has(fileHash) || inboxHashes.has(fileHash);
      if (!found) {
        problems.push({
          kind: 'file-missing',
          ...name,
          message: `${entry.fileName} was settled as ${entry.status} but is in neither done/ nor failed/.`,
        });
      }
    }
    // Without an index to read, one problem below says so instead of one per file here.
    if (!readable) continue;
    const seen = sightings[fileHash] ?? 0;
    if (entry.status === 'done' && seen < entry.articles) {
      problems.push({
        kind: 'sightings-missing',
        ...name,
        message: `${entry.fileName} is done with ${entry.articles} articles, but the index records ${seen} sightings of it.`,
      });
    }
    if ((entry.status === 'done' || entry.articles > 0) && seen > entry.articles) {
      problems.push({
        kind: 'sightings-doubled',
        ...name,
        message: `${entry.fileName} has ${entry.articles} articles, but the index records ${seen} sightings of it.`,
      });
    }
    if (superseded && seen > 0) {
      problems.push({
        kind: 'sightings-superseded',
        ...name,
        message: `${entry.fileName}: content superseded (the file changed after it was read), but the index still records ${seen} sightings of it.`,
      });
    }
  }

  for (const [fileHash, count] of Object.entries(sightings)) {
    if (!ledger.has(fileHash) && !outsideHashes.has(fileHash)) {
      problems.push({
        kind: 'sightings-unknown-file',
        fileHash,
        message: `The index records ${count} sightings of content ${fileHash.slice(0, 12)}… that the ledger never claimed.`,
      });
    }
  }
  for (const file of facts.done) {
    if (file.fileHash && !ledger.has(file.fileHash) && !outsideHashes.has(file.fileHash)) {
      problems.push({
        kind: 'done-not-recorded',
        fileName: file.name,
        fileHash: file.fileHash,
        message: `done/${file.name} is not in the ledger: it was never processed.`,
      });
    }
  }
  for (const file of facts.failed) {
    if (file.reportCode === null) {
      problems.push({
        kind: 'failed-without-report',
        fileName: file.name,
        message: `failed/${file.name} has no readable ${reportName(file.name)} saying why.`,
      });
    }
  }

  const inFlight = facts.inbox.filter(
    (file) => file.fileHash && ledger.get(file.fileHash)?.status === 'pending',
  ).length;
  const totalSightings = Object.values(sightings).reduce((sum, count) => sum + count, 0);
  const documents = readable?.documents ?? 0;
  if (!readable && 'unavailable' in facts.index && entries.length + outsideWindow.length > 0) {
    const articles = entries
      .filter((entry) => entry.status === 'done')
      .reduce((sum, entry) => sum + entry.articles, 0);
    problems.push({
      kind: 'index-unavailable',
      message: `${facts.index.unavailable}: ${count('pending')} files wait to be indexed, and the sightings of ${count('done')} done files (${articles} articles) cannot be checked.`,
    });
  }
  if (documents > totalSightings) {
    problems.push({
      kind: 'documents-without-sightings',
      message: `The index holds ${documents} documents but only ${totalSightings} sightings: some documents came from nowhere.`,
    });
  }

  const jobs = Object.fromEntries(
    Object.entries(facts.jobs).map(([queue, counts]) => [
      queue,
      { ...counts, unfinished: UNFINISHED_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0) },
    ]),
  );
  const unfinishedJobs = Object.values(jobs).reduce((sum, counts) => sum + counts.unfinished, 0);
  const stateLost = problems.filter((problem) => STATE_LOST.has(problem.kind)).length;
  return {
    balanced: problems.length === 0,
    losses: { state: stateLost, files: problems.length - stateLost },
    settled: facts.inbox.length === 0 && count('pending') === 0 && unfinishedJobs === 0,
    files: {
      inbox: facts.inbox.length,
      ignored: facts.ignored,
      inFlight,
      unseen: facts.inbox.length - inFlight,
      done: facts.done.length,
      failed: facts.failed.length,
      failedReports: facts.failed.filter((file) => file.reportCode !== null).length,
      reportsWithoutFile: facts.reportsWithoutFile.length,
    },
    ledger: {
      contents: entries.length,
      pending: count('pending'),
      done: count('done'),
      failed: count('failed'),
      repeats: entries.reduce((sum, entry) => sum + entry.repeats, 0),
      articles: entries
        .filter((entry) => entry.status === 'done')
        .reduce((sum, entry) => sum + entry.articles, 0),
    },
    jobs,
    index: { documents, sightings: totalSightings, filesWithSightings: Object.keys(sightings).length },
    window: {
      ms: facts.windowMs,
      outside: outsideWindow.length,
      verified: outsideWindow.filter((file) => (sightings[file.fileHash] ?? 0) > 0).length,
    },
    problems,
  };
}

const isHash = (value: string | null): value is string => value !== null;
