/**
 * Load: SLUICE_LOAD_FILES small pages (default 1000, so CI runs it in about a minute; run it with
 * 10000 to reproduce the README's figures) dropped at once into a watched inbox, with the workers
 * in a process of their own. Every file is accounted for (the audit balances), the worker's peak
 * RSS is reported and bounded, and the producer holds back while the extract queue is deeper
 * than SLUICE_MAX_QUEUE_DEPTH instead of filling Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureArticleIndex } from '../../infra/elasticsearch/article-index.ts';
import { type WatchingInbox, watchInbox } from '../../producers/folder-watcher/watch-inbox.ts';
import { createTestPipeline, type TestPipeline } from '../pipeline-harness.ts';
import { waitForLog } from '../sluice-process.ts';
import { AGGREGATOR_PAGES, auditWhenSettled, expectBalanced, silentLogger } from './fault-harness.ts';

const FILES = Number(process.env.SLUICE_LOAD_FILES ?? 1000);
const MAX_QUEUE_DEPTH = 200;
/** About 10 files a second on a loaded 2-core machine, with room to spare. */
const TIMEOUT_MS = 60_000 + FILES * 200;
/** Submissions the folder watcher runs at once: each may add one job after its depth check. */
const WATCHER_CONCURRENCY = 8;
const WORKER = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

let pipeline: TestPipeline | undefined;
let watching: WatchingInbox | undefined;
let worker: ChildProcess | undefined;

afterEach(async () => {
  if (worker?.exitCode === null) worker.kill('SIGKILL');
  await watching?.close();
  await pipeline?.cleanup();
});

/** Distinct small pages: a headline and a paragraph of words drawn (seeded) from real pages. */
async function writePages(inbox: string, count: number): Promise<void> {
  const words = (await readFile(new URL('page-dev-000.txt', AGGREGATOR_PAGES), 'utf8'))
    .split(/\s+/)
    .filter((word) => /^[a-z]{3,}$/i.test(word));
  let seed = 7;
  const pick = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return words[seed % words.length] as string;
  };
  for (let i = 0; i < count; i++) {
    const sentences = Array.from({ length: 8 }, () => `${Array.from({ length: 12 }, pick).join(' ')} ${i}.`);
    await writeFile(
      join(inbox, `load-${i}.txt`),
      `Report number ${i} on ${pick()}\n\n${sentences.join(' ')}\n`,
    );
  }
}

/** Peak resident set size of a process, in MiB (Linux: VmHWM). */
async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

describe(`${FILES} small files dropped at once`, () => {
  it('are all accounted for, with bounded worker memory and a bounded queue', {
    timeout: 600_000,
  }, async () => {
    pipeline = await createTestPipeline({ SLUICE_MAX_QUEUE_DEPTH: String(MAX_QUEUE_DEPTH) });
    const p = pipeline;
    await ensureArticleIndex(p.elasticsearch, p.config.index);
    await writePages(p.config.inbox, FILES);

    const started = performance.now();
    worker = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitForLog(worker, 'Workers started.');
    watching = await watchInbox(p.config, silentLogger);
    let deepest = 0;
    const sampler = setInterval(async () => {
      const waiting = await p.redis.llen(`{${p.config.queuePrefix}}:extract:wait`);
      deepest = Math.max(deepest, waiting);
    }, 50);

    const report = await auditWhenSettled(p.config, TIMEOUT_MS, 5000);
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const peak = await peakRssMiB(worker.pid as number);
    console.info(
      `${FILES} files in ${seconds.toFixed(0)} s (${(FILES / seconds).toFixed(0)} files/s); worker peak RSS ` +
        `${peak.toFixed(0)} MiB; deepest extract queue ${deepest} (limit ${MAX_QUEUE_DEPTH}); ` +
        `${report.index.documents} documents.`,
    );
    await expectBalanced(p, report);
    expect(report.files).toMatchObject({ inbox: 0, done: FILES - report.files.failed });
    expect(report.ledger.contents).toBe(FILES);
    expect(deepest).toBeLessThanOrEqual(MAX_QUEUE_DEPTH + WATCHER_CONCURRENCY);
    expect(peak).toBeLessThan(768);
  });
});
