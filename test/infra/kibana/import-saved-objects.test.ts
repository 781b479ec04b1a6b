/**
 * Kibana cannot run on this machine, so the import is tested against a small server that keeps
 * the import API's contract: a multipart upload with a `file` part of ndjson, the `kbn-xsrf`
 * header, `overwrite`, references checked, and `{ success, successCount, errors }` answered.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  importInBackground,
  importSavedObjects,
  setupKibana,
} from '../../../infra/kibana/import-saved-objects.ts';
import { parseNdjson, type SavedObject } from '../../../infra/kibana/saved-objects.ts';
import { SluiceError } from '../../../lib/errors.ts';
import { createLogger } from '../../../lib/logger.ts';

interface FakeKibana {
  url: string;
  /** Saved objects by `type:id`, as Kibana would store them. */
  stored: Map<string, SavedObject>;
  /** Every request's method, path, query and headers. */
  requests: Array<{ method?: string; url?: string; headers: IncomingMessage['headers'] }>;
  /** When set, every request is answered with this status and body. */
  failWith?: { status: number; body: unknown };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let server: Server;
let kibana: FakeKibana;

beforeEach(async () => {
  kibana = { url: '', stored: new Map(), requests: [] };
  server = createServer(async (request, response) => {
    kibana.requests.push({ method: request.method, url: request.url, headers: request.headers });
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://kibana');
    if (kibana.failWith) return answer(kibana.failWith.status, kibana.failWith.body);
    if (request.method !== 'POST' || url.pathname !== '/api/saved_objects/_import') {
      return answer(404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
    }
    if (!request.headers['kbn-xsrf']) {
      return answer(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request must contain a kbn-xsrf header.',
      });
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!/^multipart\/form-data;\s*boundary=/.test(contentType)) {
      return answer(415, {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'expected multipart/form-data',
      });
    }
    const form = await new Response(new Uint8Array(await readBody(request)), {
      headers: { 'content-type': contentType },
    }).formData();
    const file = form.get('file');
    if (!(file instanceof File) || !file.name.endsWith('.ndjson')) {
      return answer(400, { statusCode: 400, error: 'Bad Request', message: 'Invalid file extension .txt' });
    }
    const objects = parseNdjson(await file.text());
    const overwrite = url.searchParams.get('overwrite') === 'true';
    const known = (type: string, id: string) =>
      kibana.stored.has(`${type}:${id}`) || objects.some((o) => o.type === type && o.id === id);
    const errors = [];
    for (const object of objects) {
      const missing = object.references.filter((ref) => !known(ref.type, ref.id));
      if (missing.length > 0) {
        errors.push({
          id: object.id,
          type: object.type,
          error: { type: 'missing_references', references: missing },
        });
      } else if (kibana.stored.has(`${object.type}:${object.id}`) && !overwrite) {
        errors.push({ id: object.id, type: object.type, error: { type: 'conflict' } });
      }
    }
    const failed = new Set(errors.map((e) => `${e.type}:${e.id}`));
    const imported = objects.filter((o) => !failed.has(`${o.type}:${o.id}`));
    for (const object of imported) kibana.stored.set(`${object.type}:${object.id}`, object);
    return answer(200, { success: errors.length === 0, successCount: imported.length, errors });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kibana.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const storedOfType = (type: string) => [...kibana.stored.values()].filter((o) => o.type === type);

describe('importSavedObjects', () => {
  it('uploads every shipped object as multipart ndjson with kbn-xsrf, overwriting', async () => {
    const result = await importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles' });
    expect(result.successCount).toBe(kibana.stored.size);
    expect(storedOfType('index-pattern')).toHaveLength(1);
    expect(storedOfType('search')).toHaveLength(1);
    expect(storedOfType('dashboard')).toHaveLength(1);
    expect(kibana.requests[0]?.url).toBe('/api/saved_objects/_import?overwrite=true');
    expect(kibana.requests[0]?.headers['kbn-xsrf']).toBeTruthy();
  });

  it('is idempotent: a second import replaces the same objects instead of adding copies', async () => {
    await importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles' });
    const first = [...kibana.stored.keys()].sort();
    const again = await importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles' });
    expect([...kibana.stored.keys()].sort()).toEqual(first);
    expect(again.successCount).toBe(first.length);
  });

  it('points the data view at the configured alias, and keeps pipelines with other aliases apart', async () => {
    await importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles' });
    await importSavedObjects({ kibanaUrl: `${kibana.url}/`, alias: 'news-eu' });
    const titles = storedOfType('index-pattern').map((view) => view.attributes.title);
    expect(titles.sort()).toEqual(['articles', 'news-eu']);
    expect(storedOfType('dashboard')).toHaveLength(2);
  });

  it('sends the Elasticsearch credentials, which Kibana shares', async () => {
    await importSavedObjects({
      kibanaUrl: kibana.url,
      alias: 'articles',
      auth: { username: 'elastic', password: 'changeme' },
    });
    expect(kibana.requests[0]?.headers.authorization).toBe(`Basic ${btoa('elastic:changeme')}`);
    await importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles', auth: { apiKey: 'a2V5' } });
    expect(kibana.requests[1]?.headers.authorization).toBe('ApiKey a2V5');
  });

  it('fails with the objects Kibana rejected when the import is partial', async () => {
    const dangling: SavedObject = {
      id: 'sluice-articles-orphan',
      type: 'search',
      attributes: { title: 'Orphan' },
      references: [{ id: 'sluice-articles-nowhere', type: 'index-pattern', name: 'index' }],
    };
    const failure = importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles', objects: [dangling] });
    await expect(failure).rejects.toThrow(/search sluice-articles-orphan: missing_references/);
    await expect(failure).rejects.toMatchObject({ code: 'KIBANA_IMPORT_FAILED', retryable: false });
  });

  it('reports an HTTP error with its status and Kibana message, retryable when Kibana is unavailable', async () => {
    kibana.failWith = { status: 503, body: { statusCode: 503, message: 'Kibana server is not ready yet' } };
    const failure = importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles' });
    await expect(failure).rejects.toThrow(/HTTP 503 Kibana server is not ready yet/);
    await expect(failure).rejects.toMatchObject({ code: 'KIBANA_IMPORT_FAILED', retryable: true });
  });

  it('says when nothing answers at the Kibana URL', async () => {
    await new Promise((resolve) => server.close(resolve));
    const failure = importSavedObjects({ kibanaUrl: kibana.url, alias: 'articles', timeoutMs: 2000 });
    await expect(failure).rejects.toBeInstanceOf(SluiceError);
    await expect(failure).rejects.toMatchObject({ code: 'KIBANA_UNREACHABLE', retryable: true });
    server.listen(0, '127.0.0.1'); // so afterEach has a server to close
  });
});

describe('setupKibana', () => {
  it('does nothing when KIBANA_URL is not set', async () => {
    expect(
      await setupKibana({ index: 'articles', elasticsearch: { url: 'http://127.0.0.1:9200' } }),
    ).toBeUndefined();
  });

  it('imports for the configured alias when KIBANA_URL is set', async () => {
    const config = { kibanaUrl: kibana.url, index: 'news', elasticsearch: { url: 'http://127.0.0.1:9200' } };
    expect((await setupKibana(config))?.successCount).toBeGreaterThan(0);
    expect(storedOfType('index-pattern')[0]?.attributes.title).toBe('news');
  });
});

describe('importInBackground', () => {
  /** A logger whose lines are kept, to count warnings. */
  function recordingLogger() {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
    return { logger, lines };
  }
  const config = () => ({
    kibanaUrl: kibana.url,
    index: 'news',
    elasticsearch: { url: 'http://127.0.0.1:1' },
  });

  it('warns once while Kibana is not ready, and imports when it is (issue 16)', async () => {
    kibana.failWith = { status: 503, body: { message: 'Kibana server is not ready yet' } };
    const { logger, lines } = recordingLogger();
    const running = importInBackground(config(), logger, { retryMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    kibana.failWith = undefined;
    expect(await running.finished).toBe(true);
    expect(kibana.requests.length).toBeGreaterThan(2);
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      'Kibana is not ready; Sluice runs without it and imports its saved objects in the background.',
    ]);
    expect(storedOfType('index-pattern')[0]?.attributes.title).toBe('news');
  });

  it('stops trying when stopped, and after a refusal a retry cannot help', async () => {
    kibana.failWith = { status: 503, body: {} };
    const { logger } = recordingLogger();
    const running = importInBackground(config(), logger, { retryMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    running.stop();
    expect(await running.finished).toBe(false);

    kibana.failWith = { status: 400, body: { message: 'bad request' } };
    const refused = recordingLogger();
    expect(await importInBackground(config(), refused.logger, { retryMs: 10 }).finished).toBe(false);
    expect(kibana.requests.filter((request) => request.method === 'POST')).toHaveLength(2);
    expect(refused.lines.map((line) => line.msg)).toEqual([
      'Kibana refused the saved objects; run `sluice setup` once it is fixed.',
    ]);
  });
});
