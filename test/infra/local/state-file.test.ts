import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseState,
  readState,
  stateFilePath,
  withService,
  writeState,
} from '../../../infra/local/state-file.ts';

const elasticsearch = {
  pid: 4242,
  port: 9200,
  version: '9.5.0',
  logFile: '/cache/elasticsearch/logs/sluice-local.log',
  startedAt: '2026-11-26T15:00:00.000Z',
};

describe('state file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips what infra up started', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-state-'));
    dirs.push(dir);
    writeState(dir, { elasticsearch });
    expect(readState(dir)).toEqual({ elasticsearch });
    expect(JSON.parse(readFileSync(stateFilePath(dir), 'utf8'))).toEqual({ elasticsearch });
  });

  it('treats a missing, corrupt or foreign file as nothing started', () => {
    expect(readState('/nonexistent-dir')).toEqual({});
    expect(parseState('{"elasticsearch": {"pid": "x"}')).toEqual({});
    expect(parseState('{"elasticsearch": {"pid": -1, "port": 9200}}')).toEqual({});
  });

  it('adds and removes one service without touching the other', () => {
    const redis = { ...elasticsearch, pid: 7, port: 6379, version: '7.0.15' };
    const both = withService({ elasticsearch }, 'redis', redis);
    expect(both).toEqual({ elasticsearch, redis });
    expect(withService(both, 'elasticsearch', undefined)).toEqual({ redis });
  });
});
