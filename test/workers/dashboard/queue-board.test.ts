/**
 * The queue board in a real browser (Debian's chromium, driven by playwright-core, headless),
 * on a server bound beyond loopback with a token, while jobs are being added to the pipeline's
 * queues. Leaves a screenshot in test-output/.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch, createRedis, queuePrefix } from '../../../lib/connections.ts';
import { createMetrics } from '../../../lib/metrics.ts';
import { QUEUE_NAMES } from '../../../lib/queues.ts';
import { installDashboard } from '../../../workers/dashboard/dashboard.ts';
import { createServer } from '../../../workers/dashboard/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const SCREENSHOT = join('test-output', 'queue-board.png');

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'sluice-test' });
const elasticsearch = createElasticsearch({
  elasticsearch: { url: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' },
});
const prefix = queuePrefix({ queuePrefix: `test-${randomUUID()}` });
const queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: redis, prefix }));
const app = createServer();
let boardUrl: string;
let adding: NodeJS.Timeout | undefined;
const userDataDirs: string[] = [];

beforeAll(async () => {
  await new Promise((resolve) => redis.once('ready', resolve));
  await installDashboard(app, {
    http: { host: '0.0.0.0', token: TOKEN },
    queues,
    metrics: createMetrics({ queues, processMetrics: false }),
    redis,
    elasticsearch,
  });
  const address = await app.listen({ host: '0.0.0.0', port: 0 });
  boardUrl = `http://127.0.0.1:${new URL(address).port}/queues`;
  // Work keeps arriving while the browser looks, as it does during an ingest.
  const [extract] = queues;
  let n = 0;
  adding = setInterval(() => void extract?.add('file', { n: n++ }), 50);
});

afterAll(async () => {
  clearInterval(adding);
  await app.close();
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  redis.disconnect();
  await elasticsearch.close();
  for (const dir of userDataDirs) rmSync(dir, { recursive: true, force: true });
});

/** A headless chromium with a fresh profile, with or without the dashboard's credentials. */
async function openBrowser(credentials?: { username: string; password: string }): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
  userDataDirs.push(userDataDir);
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    httpCredentials: credentials,
    viewport: { width: 1280, height: 800 },
  });
}

/** How many jobs the board's overview says a queue holds, read from the page's text. */
function jobsShown(pageText: string, queue: string): number | undefined {
  const match = new RegExp(`(?:^|\\n)${queue}\\n[^\\n]*\\n([\\d,]+) Jobs?(?:\\n|$)`).exec(pageText);
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : undefined;
}

describe('the queue board in a browser', () => {
  it('is refused without credentials when the server listens beyond loopback', async () => {
    const browser = await openBrowser();
    try {
      // page.goto would end at chromium's cancelled login prompt; the context's own requests see the 401.
      const response = await browser.request.get(boardUrl);
      expect(response.status()).toBe(401);
      expect(response.headers()['www-authenticate']).toMatch(/^Basic/);
    } finally {
      await browser.close();
    }
  });

  it("shows the pipeline's queues with the jobs arriving in them", async () => {
    const browser = await openBrowser({ username: 'sluice', password: TOKEN });
    try {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      const response = await page.goto(boardUrl);
      expect(response?.status()).toBe(200);
      await page.waitForFunction(
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, a line per element, is what a person reads
        () => /(?:^|\n)extract\n[^\n]*\n[1-9][\d,]* Jobs?/.test(document.body.innerText),
        undefined,
        { timeout: 15_000 },
      );
      // biome-ignore lint/performance/useDomNodeTextContent: as above, the text as rendered
      const text = await page.locator('body').innerText();
      for (const queue of Object.values(QUEUE_NAMES)) expect(jobsShown(text, queue), queue).toBeDefined();
      expect(jobsShown(text, 'extract')).toBeGreaterThan(0);
      expect(blocked).toEqual([]);
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
