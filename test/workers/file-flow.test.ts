import { describe, expect, it } from 'vitest';
import type { Article } from '../../lib/article.ts';
import { jobPolicy } from '../../lib/queues.ts';
import { fingerprintArticle } from '../../workers/dedupe/fingerprint.ts';
import { buildFileFlow } from '../../workers/file-flow.ts';

const file = {
  fileName: 'page.txt',
  fileHash: 'b'.repeat(64),
  run: 2,
  inboxPath: '/inbox/page.txt',
  origin: 'watch' as const,
  capturedAt: '2025-07-26T08:00:00.000Z',
};

const article = (title: string): Article => ({
  title,
  lead: null,
  body: `${title} body text that is long enough to fingerprint across several words of prose.`,
  source: 'Time of India',
  published: null,
  publishedAt: null,
  primary: false,
  language: 'en',
  wordCount: 14,
});

describe('buildFileFlow', () => {
  const articles = [article('One'), article('Two')];
  const flow = buildFileFlow(file, articles, jobPolicy());

  it('makes the file a finalize parent over one index job per article, each over one dedupe job', () => {
    expect(flow).toMatchObject({
      queueName: 'finalize',
      data: { file, articles: 2 },
      opts: { jobId: `${'b'.repeat(64)}-2` },
    });
    expect(
      flow.children?.map((child) => [child.queueName, child.opts?.jobId, child.data.articleIndex]),
    ).toEqual([
      ['index', `${'b'.repeat(64)}-2-0`, 0],
      ['index', `${'b'.repeat(64)}-2-1`, 1],
    ]);
    expect(
      flow.children?.[1]?.children?.map((child) => [child.queueName, child.data.fingerprint.exact]),
    ).toEqual([['dedupe', fingerprintArticle(articles[1] as Article).exact]]);
    expect(flow.children?.[1]?.data.exactFingerprint).toBe(fingerprintArticle(articles[1] as Article).exact);
  });

  it('names every job after its file, so the queue board shows which file a job is (issue 16)', () => {
    expect(flow.name).toBe('page.txt');
    expect(flow.children?.map((child) => child.name)).toEqual(['page.txt #0', 'page.txt #1']);
    expect(flow.children?.[1]?.children?.[0]?.name).toBe('page.txt #1');
  });

  it('lets a child that gave up unblock its parent instead of leaving it waiting forever', () => {
    const index = flow.children?.[0];
    expect(index?.opts?.ignoreDependencyOnFailure).toBe(true);
    expect(index?.children?.[0]?.opts?.ignoreDependencyOnFailure).toBe(true);
    expect(index?.opts?.attempts).toBe(jobPolicy().attempts);
  });
});
