import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { Writable } from 'node:stream';
import type { Client } from '@elastic/elasticsearch';
import { type Job, Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openDashboard } from '../../../infra/dashboard/open-dashboard.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch, createRedis } from '../../../lib/connections.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { pipelinePrefix } from '../../../lib/keys.ts';
import { createLogger, type Logger } from '../../../lib/logger.ts';
import type { SluiceMetrics } from '../../../lib/metrics.ts';
import { QUEUE_NAMES } from '../../../lib/queues.ts';
import { sampleValue } from './prometheus-text.ts';

const { redisUrl: REDIS_URL, elasticsearch: ELASTICSEARCH } = loadConfig();
const TOKEN = 'test-token-0123456789abcdef';

interface Dashboard {
  app: FastifyInstance;
  queues: Queue[];
  metrics: SluiceMetrics;
}

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The server of a pipeline of its own (fresh queue prefix), and that pipeline's queues. */
async function startDashboard(
  http: { host: string; token?: string; boardActions?: boolean },
  elasticsearch: Client = createElasticsearch({ elasticsearch: ELASTICSEARCH }),
  logger?: Logger,
): Promise<Dashboard> {
  const config = { redisUrl: REDIS_URL, queuePrefix: `test-${randomUUID()}`, http };
  cleanups.push(() => elasticsearch.close());
  const { app, metrics, close } = await openDashboard({ config, elasticsearch, logger });
  const redis = createRedis(REDIS_URL, { name: 'sluice-test' });
  await new Promise((resolve) => redis.once('ready', resolve));
  const queues = Object.values(QUEUE_NAMES).map(
    (name) => new Queue(name, { connection: redis, prefix: pipelinePrefix(config) }),
  );
  cleanups.push(async () => {
    await close();
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    redis.disconnect();
  });
  return { app, queues, metrics };
}

/** The readiness checks once the server's fail-fast Redis connection is up. */
async function readiness(app: FastifyInstance) {
  await expect
    .poll(async () => (await app.inject({ url: '/readyz' })).json().checks.redis, { timeout: 5000 })
    .toBe('ok');
  return app.inject({ url: '/readyz' });
}

/** An address of this machine other than loopback, or undefined on a machine without one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
}

describe('the dashboard on loopback', () => {
  it('serves /healthz, /readyz, /metrics and /queues without credentials', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1' });
    expect((await readiness(app)).statusCode).toBe(200);
    for (const url of ['/healthz', '/metrics', '/queues', '/queues/api/queues']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
  });

  it('sets security headers on every response, 404s included, and no x-powered-by', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1' });
    for (const url of ['/queues', '/metrics', '/nowhere']) {
      const { headers } = await app.inject({ url });
      expect(headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('refuses request bodies over the limit', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1', token: TOKEN, boardActions: true });
    const response = await app.inject({
      method: 'POST',
      url: '/queues/api/queues/files/add',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      payload: JSON.stringify({ name: 'big', data: { text: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(response.statusCode).toBe(413);
  });
});

describe('the queue board', () => {
  it("lists every queue of this pipeline with its counts, read under the pipeline's prefix", async () => {
    const { app, queues } = await startDashboard({ host: '127.0.0.1' });
    const [extract] = queues;
    await extract?.addBulk([1, 2, 3].map((n) => ({ name: 'file', data: { n } })));
    const body = (await app.inject({ url: '/queues/api/queues' })).json() as {
      queues: Array<{ name: string; counts: Record<string, number> }>;
    };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(Object.values(QUEUE_NAMES).sort());
    expect(body.queues.find((queue) => queue.name === 'files')?.counts.waiting).toBe(3);
  });

  it('shows failure reasons, and with actions on retries failed jobs and cleans them', async () => {
    const { app: board, queues } = await startDashboard({
      host: '127.0.0.1',
      token: TOKEN,
      boardActions: true,
    });
    const authorization = `Bearer ${TOKEN}`;
    const app = {
      inject: (request: { method?: 'GET' | 'PUT'; url: string }) =>
        board.inject({ ...request, headers: { authorization } }),
    };
    const dedupe = queues.find((queue) => queue.name === 'files') as Queue;
    // Jobs are failed as a worker would fail them, by hand (BullMQ's manual processing).
    const connection = createRedis(REDIS_URL, { blocking: true, name: 'sluice-test' });
    const worker = new Worker(dedupe.name, null, { connection, prefix: dedupe.opts.prefix, autorun: false });
    cleanups.push(async () => {
      await worker.close();
      connection.disconnect();
    });
    const failOne = async (reason: string) => {
      await dedupe.add('claim', {});
      const taken = (await worker.getNextJob('test-worker')) as Job;
      await taken.moveToFailed(new Error(reason), 'test-worker');
      return taken.id as string;
    };

    const jobId = await failOne('INPUT_MALFORMED: bad payload');
    const failed = await app.inject({ url: '/queues/api/queues?activeQueue=files&status=failed' });
    expect(failed.body).toContain('INPUT_MALFORMED: bad payload');
    // Cleaning a whole state spares jobs younger than Bull Board's 5 s grace time: clean this one.
    const clean = await app.inject({ method: 'PUT', url: `/queues/api/queues/files/${jobId}/clean` });
    expect(clean.statusCode).toBe(204);
    expect(await dedupe.getJobCounts('failed')).toMatchObject({ failed: 0 });

    await failOne('ELASTICSEARCH_UNAVAILABLE: 503');
    expect(
      (await app.inject({ method: 'PUT', url: '/queues/api/queues/files/retry/failed' })).statusCode,
    ).toBe(200);
    expect(await dedupe.getJobCounts('failed', 'waiting')).toMatchObject({ failed: 0, waiting: 1 });
  });
});

// Issue 13, item 8: the board's "add job" and "update data" let a finalize job name any file on
// the host, and on loopback nothing stood in the way of a page in the user's browser.
describe('the queue board without SLUICE_BOARD_ACTIONS', () => {
  it('is read-only: every action is refused, the job stays as it was', async () => {
    const { app, queues } = await startDashboard({ host: '127.0.0.1' });
    const finalize = queues.find((queue) => queue.name === 'files') as Queue;
    const job = await finalize.add('page.txt', { file: 'as queued' });
    const json = { 'content-type': 'application/json' };
    const actions = [
      { method: 'POST', url: '/queues/api/queues/files/add', payload: { name: 'x', data: { a: 1 } } },
      {
        method: 'PATCH',
        url: `/queues/api/queues/files/${job.id}/update-data`,
        payload: { jobData: { a: 1 } },
      },
      { method: 'PUT', url: `/queues/api/queues/files/${job.id}/promote` },
      { method: 'PUT', url: '/queues/api/queues/files/retry/failed' },
      { method: 'PUT', url: '/queues/api/queues/files/clean/waiting' },
      { method: 'PUT', url: '/queues/api/queues/files/obliterate' },
      { method: 'PUT', url: '/queues/api/queues/pause' },
    ] as const;
    for (const action of actions) {
      const response = await app.inject({
        method: action.method,
        url: action.url,
        ...('payload' in action ? { headers: json, payload: JSON.stringify(action.payload) } : {}),
      });
      expect(response.statusCode, `${action.method} ${action.url}`).toBe(405);
    }
    expect((await finalize.getJob(job.id as string))?.data).toEqual({ file: 'as queued' });
    expect(await finalize.getJobCounts('waiting', 'paused')).toMatchObject({ waiting: 1, paused: 0 });
    const listed = (await app.inject({ url: '/queues/api/queues' })).json() as {
      queues: Array<{ readOnlyMode: boolean }>;
    };
    expect(listed.queues.map((queue) => queue.readOnlyMode)).toEqual(queues.map(() => true));
  });

  it('refuses actions on without a token, naming both settings', async () => {
    const failure = startDashboard({ host: '127.0.0.1', boardActions: true });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/SLUICE_BOARD_ACTIONS.*SLUICE_HTTP_TOKEN/);
  });

  it('with actions on, takes them only with the token', async () => {
    const { app, queues } = await startDashboard({ host: '127.0.0.1', token: TOKEN, boardActions: true });
    const finalize = queues.find((queue) => queue.name === 'files') as Queue;
    const job = await finalize.add('page.txt', { file: 'as queued' });
    const update = (headers: Record<string, string>) =>
      app.inject({
        method: 'PATCH',
        url: `/queues/api/queues/files/${job.id}/update-data`,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ jobData: { file: 'edited' } }),
      });
    expect((await update({})).statusCode).toBe(401);
    expect((await update({ authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
    expect((await finalize.getJob(job.id as string))?.data).toEqual({ file: 'edited' });
  });
});

describe('the Host header on loopback without a token (DNS rebinding)', () => {
  it('refuses a request addressed to any other name, on every route', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1' });
    for (const url of ['/healthz', '/queues', '/queues/api/queues', '/metrics', '/readyz']) {
      for (const host of ['attacker.example:8080', 'attacker.example', '127.0.0.1.nip.io:8080']) {
        const response = await app.inject({ url, headers: { host } });
        expect(response.statusCode, `${host}${url}`).toBe(403);
        expect(response.body).not.toContain('"files"');
      }
    }
  });

  it('answers loopback names and addresses', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1' });
    for (const host of [
      'localhost:8080',
      '127.0.0.1:8080',
      '127.0.0.1',
      '[::1]:8080',
      'sluice.localhost:8080',
    ]) {
      expect((await app.inject({ url: '/metrics', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('leaves the door to the token when there is one (compose: Prometheus asks for sluice:8080)', async () => {
    const { app } = await startDashboard({ host: '0.0.0.0', token: TOKEN });
    const headers = { host: 'sluice:8080', authorization: `Bearer ${TOKEN}` };
    expect((await app.inject({ url: '/metrics', headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', headers: { host: 'sluice:8080' } })).statusCode).toBe(401);
  });
});

describe('credentials beyond loopback', () => {
  it('refuses to start on a public address without a token, naming the setting', async () => {
    const failure = startDashboard({ host: '0.0.0.0' });
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/SLUICE_HTTP_TOKEN: required when SLUICE_HTTP_HOST \(0\.0\.0\.0\)/);
  });

  it('answers 401 without the token on every route but /healthz, over a real socket', async () => {
    const host = nonLoopbackAddress() ?? '0.0.0.0';
    const { app } = await startDashboard({ host, token: TOKEN });
    const address = await app.listen({ host, port: 0 });
    const port = new URL(address).port;
    const get = (url: string, headers: Record<string, string> = {}) =>
      fetch(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}${url}`, { headers });

    expect((await get('/healthz')).status).toBe(200);
    for (const url of ['/queues', '/queues/api/queues', '/metrics', '/readyz']) {
      const refused = await get(url);
      expect(refused.status, url).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="sluice"/);
      expect((await get(url, { authorization: 'Bearer wrong-token-0123456789' })).status, url).toBe(401);
      expect((await get(url, { authorization: `Bearer ${TOKEN}` })).status, url).not.toBe(401);
      const basic = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
      expect((await get(url, { authorization: basic })).status, url).not.toBe(401);
    }
  });

  it('accepts a token on loopback too, and then demands it', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1', token: TOKEN });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode,
    ).toBe(200);
  });
});

// Issue 13, item 10: a token sent in the query string was logged in the "Request refused" line,
// and every refused request was logged (1,527 lines).
describe('refused requests in the log', () => {
  function capture(): { lines: Array<Record<string, unknown>>; logger: Logger } {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { lines, logger: createLogger({ level: 'info', destination }) };
  }
  const refusals = (lines: Array<Record<string, unknown>>) =>
    lines.filter((line) => String(line.msg).startsWith('Request refused'));

  it.each([
    ['missing credentials', { host: '0.0.0.0', token: TOKEN }, {}],
    ['a foreign Host', { host: '127.0.0.1' }, { host: 'attacker.example' }],
  ])(
    'are logged once per interval per reason (%s), never with the query string',
    async (_, http, headers) => {
      const { lines, logger } = capture();
      const { app } = await startDashboard(http, undefined, logger);
      for (let i = 0; i < 200; i++) {
        const response = await app.inject({ url: `/metrics?token=Query-s3cret-${i}&x=1`, headers });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
      }
      expect(refusals(lines)).toHaveLength(1);
      expect(refusals(lines)[0]).toMatchObject({ path: '/metrics' });
      expect(JSON.stringify(lines)).not.toContain('Query-s3cret');
    },
  );
});

describe('/readyz', () => {
  it('is ready when Redis and Elasticsearch answer', async () => {
    const { app } = await startDashboard({ host: '127.0.0.1' });
    const response = await readiness(app);
    expect(response.json()).toEqual({ ready: true, checks: { redis: 'ok', elasticsearch: 'ok' } });
  });

  it('answers 503 naming Elasticsearch when nothing listens at its URL', async () => {
    const nowhere = createElasticsearch({ elasticsearch: { url: 'http://127.0.0.1:9' } });
    const { app } = await startDashboard({ host: '127.0.0.1' }, nowhere);
    const response = await readiness(app);
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.redis).toBe('ok');
    expect(response.json().checks.elasticsearch).toMatch(/ECONNREFUSED/);
  });
});

describe('/metrics', () => {
  it('shows queue depths and counters moving as the pipeline works', async () => {
    const { app, queues, metrics } = await startDashboard({ host: '127.0.0.1' });
    const scrape = async () => {
      const response = await app.inject({ url: '/metrics' });
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.body;
    };
    const before = await scrape();
    expect(sampleValue(before, 'sluice_queue_jobs', { stage: 'files', state: 'waiting' })).toBe(0);
    expect(sampleValue(before, 'sluice_articles_total', { outcome: 'new' })).toBe(0);
    expect(sampleValue(before, 'sluice_process_resident_memory_bytes')).toBeGreaterThan(0);

    await queues[0]?.addBulk([
      { name: 'a', data: {} },
      { name: 'b', data: {} },
    ]);
    metrics.articles.inc({ outcome: 'new' }, 4);
    metrics.articles.inc({ outcome: 'merged' });
    metrics.stageDuration.observe({ stage: 'extract' }, 0.01);
    metrics.filesDone.inc();
    metrics.filesFailed.inc({ code: 'INPUT_EMPTY' });
    metrics.bulkDuration.observe(0.02);
    metrics.bulkRejections.inc({ reason: 'mapper_parsing_exception' });

    const after = await scrape();
    expect(sampleValue(after, 'sluice_queue_jobs', { stage: 'files', state: 'waiting' })).toBe(2);
    expect(sampleValue(after, 'sluice_articles_total', { outcome: 'new' })).toBe(4);
    expect(sampleValue(after, 'sluice_articles_total', { outcome: 'merged' })).toBe(1);
    expect(sampleValue(after, 'sluice_stage_duration_seconds_count', { stage: 'extract' })).toBe(1);
    expect(sampleValue(after, 'sluice_files_done_total')).toBe(1);
    expect(sampleValue(after, 'sluice_files_failed_total', { code: 'INPUT_EMPTY' })).toBe(1);
    expect(sampleValue(after, 'sluice_elasticsearch_bulk_duration_seconds_count')).toBe(1);
    expect(
      sampleValue(after, 'sluice_elasticsearch_bulk_rejections_total', {
        reason: 'mapper_parsing_exception',
      }),
    ).toBe(1);
  });
});
