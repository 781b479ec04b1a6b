import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED_PATHS, redactUrl } from '../../lib/logger.ts';

/** A logger writing JSON lines into an array. */
function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('createLogger', () => {
  it('writes a JSON line with the message and the fields', () => {
    const { lines, logger } = capture();
    logger.info({ file: 'a.html', bytes: 12 }, 'Page cleaned.');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Page cleaned.', file: 'a.html', bytes: 12 });
  });

  it('redacts passwords, API keys, tokens and authorization headers wherever they sit', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        password: 'pw-1',
        elasticsearch: { apiKey: 'key-2' },
        config: { elasticsearch: { password: 'pw-3', apiKey: 'key-4' }, http: { token: 'token-5' } },
        headers: { authorization: 'Basic abc' },
      },
      'Connecting.',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['pw-1', 'key-2', 'pw-3', 'key-4', 'token-5', 'Basic abc'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(REDACTED_PATHS).toContain('config.elasticsearch.password');
  });
});

describe('redactUrl', () => {
  it('hides the user and password of a URL', () => {
    expect(redactUrl('redis://user:secret@127.0.0.1:6379')).toBe('redis://***:***@127.0.0.1:6379');
    expect(redactUrl('http://127.0.0.1:9200/')).toBe('http://127.0.0.1:9200');
  });
});
