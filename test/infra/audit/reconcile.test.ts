import { describe, expect, it } from 'vitest';
import { formatReport } from '../../../bin/commands/audit.ts';
import { type AuditFacts, reconcile } from '../../../infra/audit/reconcile.ts';
import type { LedgerEntry } from '../../../lib/file-ledger.ts';

const INBOX = '/srv/inbox';
const hash = (n: number) => n.toString(16).padStart(64, '0');

function entry(fields: Partial<LedgerEntry>): LedgerEntry {
  return {
    status: 'done',
    run: 1,
    path: `${INBOX}/page.txt`,
    fileName: 'page.txt',
    claimedAt: '2026-01-01T00:00:00.000Z',
    settledAt: '2026-01-01T00:00:01.000Z',
    articles: 2,
    newArticles: 2,
    repeats: 0,
    error: null,
    ...fields,
  };
}

const emptyQueues = { files: {} };

/** A settled pipeline: one done file (2 articles, 2 sightings), one failed with its report. */
function balancedFacts(): AuditFacts {
  return {
    inbox: [],
    ignored: [],
    done: [{ name: 'page.txt', fileHash: hash(1) }],
    failed: [{ name: 'image.bin', fileHash: hash(2), reportCode: 'INPUT_BINARY' }],
    reportsWithoutFile: [],
    inboxPath: INBOX,
    ledger: [
      { fileHash: hash(1), entry: entry({}) },
      {
        fileHash: hash(2),
        entry: entry({ status: 'failed', path: `${INBOX}/image.bin`, fileName: 'image.bin', articles: 0 }),
      },
    ],
    pendingJobs: {},
    jobs: { ...emptyQueues, files: { completed: 1, failed: 1 } },
    index: { documents: 1, sightingsByFile: { [hash(1)]: 2 } },
    windowMs: WINDOW_MS,
    now: NOW,
  };
}

const WINDOW_MS = 30_000;
const NOW = Date.parse('2026-01-02T00:00:00Z');

/**
 * `balancedFacts` plus a done file settled `age` ms ago whose ledger entry is gone, with
 * `sightings` of it in the index.
 */
function withForgottenDone(age: number, sightings: number): AuditFacts {
  const facts = balancedFacts();
  facts.done.push({ name: 'old.txt', fileHash: hash(3), changedAt: NOW - age });
  if ('sightingsByFile' in facts.index && sightings > 0) {
    facts.index.sightingsByFile[hash(3)] = sightings;
    facts.index.documents += 1;
  }
  return facts;
}

describe('reconcile', () => {
  it('balances a settled pipeline and counts every part', () => {
    const report = reconcile(balancedFacts());
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      balanced: true,
      settled: true,
      files: { inbox: 0, done: 1, failed: 1, failedReports: 1 },
      ledger: { contents: 2, pending: 0, done: 1, failed: 1, articles: 2 },
      index: { documents: 1, sightings: 2, filesWithSightings: 1 },
    });
    expect(report.jobs.files).toMatchObject({ completed: 1, failed: 1, unfinished: 0 });
  });

  it('counts a pending file with a live job as in flight, balanced but not settled', () => {
    const facts = balancedFacts();
    facts.inbox = [{ name: 'next.txt', fileHash: hash(3) }];
    facts.ledger.push({ fileHash: hash(3), entry: entry({ status: 'pending', path: `${INBOX}/next.txt` }) });
    facts.pendingJobs[hash(3)] = 'active';
    facts.jobs.files = { active: 1 };
    const report = reconcile(facts);
    expect(report).toMatchObject({ balanced: true, settled: false, files: { inFlight: 1, unseen: 0 } });
  });

  it.each([
    [
      'pending-without-job',
      (facts: AuditFacts) => facts.ledger.push({ fileHash: hash(3), entry: entry({ status: 'pending' }) }),
    ],
    [
      'pending-job-failed',
      (facts: AuditFacts) => {
        facts.ledger.push({ fileHash: hash(3), entry: entry({ status: 'pending' }) });
        facts.pendingJobs[hash(3)] = 'failed';
      },
    ],
    ['file-missing', (facts: AuditFacts) => facts.done.splice(0)],
    ['done-not-recorded', (facts: AuditFacts) => facts.done.push({ name: 'stray.txt', fileHash: hash(9) })],
    [
      'failed-without-report',
      (facts: AuditFacts) => Object.assign(facts.failed[0] ?? {}, { reportCode: null }),
    ],
    [
      'sightings-missing',
      (facts: AuditFacts) => Object.assign(facts.index, { documents: 0, sightingsByFile: {} }),
    ],
    [
      'sightings-doubled',
      (facts: AuditFacts) => Object.assign(facts.index, { sightingsByFile: { [hash(1)]: 3 } }),
    ],
    [
      'sightings-superseded',
      (facts: AuditFacts) => {
        const error = JSON.stringify({ code: 'INPUT_CHANGED', message: 'changed', stage: 'finalize' });
        facts.ledger.push({
          fileHash: hash(3),
          entry: entry({ status: 'failed', articles: 0, newArticles: 0, error }),
        });
        Object.assign(facts.index, { documents: 3, sightingsByFile: { [hash(1)]: 2, [hash(3)]: 1 } });
      },
    ],
    [
      'sightings-unknown-file',
      (facts: AuditFacts) => Object.assign(facts.index, { sightingsByFile: { [hash(1)]: 2, [hash(7)]: 1 } }),
    ],
    ['documents-without-sightings', (facts: AuditFacts) => Object.assign(facts.index, { documents: 5 })],
  ])('finds %s', (kind, spoil) => {
    const facts = balancedFacts();
    spoil(facts);
    const report = reconcile(facts);
    expect(report.balanced).toBe(false);
    expect(report.problems.map((problem) => problem.kind)).toEqual([kind]);
    expect(formatReport(report)).toContain(`- ${kind}: `);
    // Records Redis forgot (files safe) are told apart from files lost.
    const stateLost = kind === 'done-not-recorded' || kind === 'sightings-unknown-file';
    expect(report.losses).toEqual(stateLost ? { state: 1, files: 0 } : { state: 0, files: 1 });
    expect(formatReport(report)).toContain(
      stateLost ? 'State lost: 1 problems' : 'Files lost or unaccounted for: 1',
    );
  });

  it('names the files in the inbox that are ignored while being written, without counting them as a problem', () => {
    const facts = balancedFacts();
    facts.ignored = ['.page.txt.part', 'download.tmp'];
    const report = reconcile(facts);
    expect(report.balanced).toBe(true);
    expect(report.files.ignored).toEqual(['.page.txt.part', 'download.tmp']);
    expect(formatReport(report)).toContain(
      '2 more in the inbox ignored while their names say they are being written',
    );
  });

  it('does not ask files read from elsewhere (ingest, stdin) to be in done/', () => {
    const facts = balancedFacts();
    facts.done.splice(0);
    facts.ledger[0] = { fileHash: hash(1), entry: entry({ path: '/archive/page.txt' }) };
    expect(reconcile(facts).problems).toEqual([]);
  });

  // Issue 13, item 6: with the index deleted, the audit crashed with a raw ResponseError, or
  // listed every done file as missing its sightings.
  it('says in one problem that the index cannot be read, instead of one per done file', () => {
    const facts = balancedFacts();
    for (let n = 3; n < 50; n++) {
      facts.ledger.push({ fileHash: hash(n), entry: entry({ fileName: `p${n}.txt` }) });
      facts.done.push({ name: `p${n}.txt`, fileHash: hash(n) });
    }
    facts.index = { unavailable: 'The alias "articles" does not exist (was the index deleted?)' };
    const report = reconcile(facts);
    expect(report.problems).toEqual([
      {
        kind: 'index-unavailable',
        message:
          'The alias "articles" does not exist (was the index deleted?): 0 files wait to be indexed, and the sightings of 48 done files (96 articles) cannot be checked.',
      },
    ]);
    expect(report.index).toEqual({ documents: 0, sightings: 0, filesWithSightings: 0 });
  });

  it('balances a pipeline that has seen nothing yet, before its index exists', () => {
    const facts = balancedFacts();
    facts.done = [];
    facts.failed = [];
    facts.ledger = [];
    facts.index = { unavailable: 'The alias "articles" does not exist' };
    expect(reconcile(facts).problems).toEqual([]);
  });

  it('accepts fewer sightings than articles for a failed file (its other articles stay indexed)', () => {
    const facts = balancedFacts();
    facts.ledger[0] = { fileHash: hash(1), entry: entry({ status: 'failed', articles: 3 }) };
    expect(reconcile(facts).problems).toEqual([]);
  });
});

describe('reconcile, files older than the window (issue 15)', () => {
  it('balances a done file whose ledger entry expired with the window, verified by its sightings', () => {
    const report = reconcile(withForgottenDone(WINDOW_MS + 1000, 3));
    expect(report.problems).toEqual([]);
    expect(report.balanced).toBe(true);
    expect(report.window).toEqual({ ms: WINDOW_MS, outside: 1, verified: 1 });
    expect(formatReport(report)).toContain(
      'window: 1 done files settled over a window (30s) ago, their ledger entries expired: 1 verified by their sightings in the index',
    );
  });

  it('still reports a done file the ledger forgot within the window as state lost', () => {
    const report = reconcile(withForgottenDone(WINDOW_MS - 1000, 3));
    expect(report.problems.map((problem) => problem.kind).sort()).toEqual([
      'done-not-recorded',
      'sightings-unknown-file',
    ]);
    expect(report.losses).toEqual({ state: 2, files: 0 });
    expect(report.window).toEqual({ ms: WINDOW_MS, outside: 0, verified: 0 });
  });

  it('reports a done file older than the window with no sighting in the index as lost articles', () => {
    const report = reconcile(withForgottenDone(WINDOW_MS + 1000, 0));
    expect(report.problems.map((problem) => problem.kind)).toEqual(['sightings-missing']);
    expect(report.problems[0]?.message).toContain('old.txt');
    expect(report.losses).toEqual({ state: 0, files: 1 });
    expect(report.window).toEqual({ ms: WINDOW_MS, outside: 1, verified: 0 });
  });
});

describe('formatReport', () => {
  it('says in one line per part what is where, then the verdict', () => {
    expect(formatReport(reconcile(balancedFacts()))).toBe(
      [
        'files:  0 in the inbox (0 in flight, 0 not yet taken), 1 in done/, 1 in failed/ (1 with a report)',
        'ledger: 2 contents: 0 pending, 1 done, 1 failed; 0 repeats; 2 articles in done files',
        'jobs:   files 1 completed, 1 failed',
        'index:  1 documents, 2 sightings from 1 files',
        'Balanced; settled (nothing waiting or in flight).',
        '',
      ].join('\n'),
    );
  });
});
