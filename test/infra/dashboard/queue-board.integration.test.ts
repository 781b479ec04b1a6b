/**
 * The queue board in a real browser (Debian's chromium, driven by playwright-core, headless),
 * on a server bound beyond loopback with a token, while a real ingest runs: the folder producer
 * and the workers in this process, the shared aggregator pages dropped into the inbox one by
 * one. Leaves a screenshot in test-output/.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../../lib/queues.ts';
import { type PipelineWithDashboard, startPipelineWithDashboard } from './pipeline-with-dashboard.ts';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const SCREENSHOT = join('test-output', 'queue-board.png');
const PAGES = new URL('../../../../shared/data/aggregator-pages/pages/', import.meta.url);

let running: PipelineWithDashboard;
let boardUrl: string;
let dropping: Promise<void>;
const userDataDirs: string[] = [];

/** Drops the aggregator pages into the inbox one every 100 ms, as a scraper would. */
async function dropPages(inbox: string): Promise<void> {
  const names = (await readdir(PAGES)).filter((name) => name.endsWith('.txt')).sort();
  for (const name of names) {
    await copyFile(new URL(name, PAGES), join(inbox, name));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  running = await startPipelineWithDashboard({ SLUICE_HTTP_HOST: '0.0.0.0', SLUICE_HTTP_TOKEN: TOKEN });
  const { config } = running.pipeline;
  const address = await running.dashboard.app.listen({ host: config.http.host, port: 0 });
  boardUrl = `http://127.0.0.1:${new URL(address).port}/queues`;
  dropping = dropPages(config.inbox);
});

afterAll(async () => {
  await dropping;
  await running?.close();
  for (const dir of userDataDirs) await rm(dir, { recursive: true, force: true });
});

/** A headless chromium with a fresh profile, with or without the dashboard's credentials. */
async function openBrowser(credentials?: { username: string; password: string }): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'sluice-chromium-'));
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

/**
 * How many jobs the board's overview says a queue holds, read from the page's text: the queue's
 * card has its name, a line about workers when none run, then "N Jobs".
 */
function jobsShown(pageText: string, queue: string): number | undefined {
  const match = new RegExp(`(?:^|\\n)${queue}\\n(?:[^\\n]*\\n)?([\\d,]+) Jobs?(?:\\n|$)`).exec(pageText);
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

  it("shows the pipeline's queues with the ingest's jobs in them", { timeout: 60_000 }, async () => {
    const browser = await openBrowser({ username: 'sluice', password: TOKEN });
    try {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      const response = await page.goto(boardUrl);
      expect(response?.status()).toBe(200);
      // Bull Board polls every few seconds; completed jobs stay (an hour), so every stage the
      // ingest went through shows a non-zero count.
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, a line per element, is what a person reads
      const shown = async () => await page.locator('body').innerText();
      await expect
        .poll(
          async () => {
            const text = await shown();
            return Object.values(QUEUE_NAMES).filter((queue) => !((jobsShown(text, queue) ?? 0) > 0));
          },
          { timeout: 45_000, interval: 500 },
        )
        .toEqual([]);
      expect(blocked).toEqual([]);
      await mkdir('test-output', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
