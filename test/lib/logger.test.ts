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

// Issue 13, item 10: ioredis's AUTH errors carry `command.args`, the user name and password, and
// pino logged them whole (148 lines in 30 s with a wrong password).
describe('errors in log lines', () => {
  /** What ioredis rejects a refused AUTH with: a ReplyError with the command it answered. */
  const refusedAuth = () =>
    Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), {
      name: 'ReplyError',
      command: { name: 'auth', args: ['sluice-user', 'Wrong-s3cret'] },
    });

  it.each(['err', 'error'])('never carry the arguments of a Redis command (field %s)', (field) => {
    const { lines, logger } = capture();
    logger.error({ [field]: refusedAuth() }, 'Worker lost its connection or failed.');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('Wrong-s3cret');
    expect(text).not.toContain('sluice-user');
    expect(text).toContain('WRONGPASS');
    expect(lines[0]?.[field]).toMatchObject({
      name: 'ReplyError',
      command: { name: 'auth', args: '[redacted]' },
    });
  });

  it('redacts them in causes and aggregated errors too, and in the message of the line', () => {
    const { lines, logger } = capture();
    const wrapped = new Error('Setup failed', { cause: refusedAuth() });
    logger.error({ err: new AggregateError([wrapped, refusedAuth()], 'Both failed') }, 'Failed.');
    logger.error(refusedAuth(), 'Logged as the error itself.');
    for (const line of lines) expect(JSON.stringify(line)).not.toContain('Wrong-s3cret');
  });
});

describe('redactUrl', () => {
  it('hides the user and password of a URL', () => {
    expect(redactUrl('redis://user:secret@127.0.0.1:6379')).toBe('redis://***:***@127.0.0.1:6379');
    expect(redactUrl('http://127.0.0.1:9200/')).toBe('http://127.0.0.1:9200');
  });
});
