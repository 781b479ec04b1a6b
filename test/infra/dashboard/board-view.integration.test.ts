/**
 * What the queue board shows (issue 16): nothing loaded from outside (it works offline; the
 * security policy names no other host), and job cards that say which file a job is, without the
 * file's bytes in base64.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDashboard } from '../../../infra/dashboard/open-dashboard.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch, createRedis } from '../../../lib/connections.ts';
import { jobName } from '../../../lib/job-names.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { closeQueues, openQueues } from '../../../lib/queues.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function board() {
  const base = loadConfig();
  const config = {
    redisUrl: base.redisUrl,
    queuePrefix: `test-${randomUUID()}`,
    http: { host: '127.0.0.1' },
  };
  const elasticsearch = createElasticsearch(base);
  const dashboard = await openDashboard({ config, elasticsearch });
  const redis = createRedis(base.redisUrl, { name: 'sluice-test' });
  const queues = openQueues(redis, pipelinePrefix(config));
  cleanups.push(async () => {
    await Promise.all(Object.values(queues).map((queue) => queue.obliterate({ force: true })));
    await closeQueues(queues);
    await dashboard.close();
    redis.disconnect();
    await elasticsearch.close();
  });
  return { app: dashboard.app, queues };
}

describe('the queue board', () => {
  it('loads nothing from another host, and its security policy allows none', async () => {
    const { app } = await board();
    const page = await app.inject({ url: '/queues' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.body).not.toMatch(/(href|src)="https?:\/\//);
    expect(String(page.headers['content-security-policy'])).not.toMatch(/https?:/);
  });

  it('shows a job as its file name, with the bytes summarised instead of base64', async () => {
    const { app, queues } = await board();
    const bytes = Buffer.from('A page of text. '.repeat(200)).toString('base64');
    await queues.files.add(jobName({ fileName: 'page-17.txt' }), { fileName: 'page-17.txt', bytes });
    const listed = (
      await app.inject({ url: '/queues/api/queues?activeQueue=files&status=waiting&page=1' })
    ).json() as {
      queues: Array<{ name: string; jobs: Array<{ name: string; data: Record<string, unknown> }> }>;
    };
    const [job] = listed.queues.find((queue) => queue.name === 'files')?.jobs ?? [];
    expect(job?.name).toBe('page-17.txt');
    expect(job?.data.fileName).toBe('page-17.txt');
    expect(JSON.stringify(job?.data)).not.toContain(bytes.slice(0, 40));
    expect(job?.data.bytes).toMatch(/^3200 bytes/);
  });
});
