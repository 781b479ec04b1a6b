import { describe, expect, it } from 'vitest';
import { areaOf, type CpuProfile, summariseProfile } from '../../bench/profile-summary.ts';

const frame = (id: number, functionName: string, url: string) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
});

describe('the CPU profile summary', () => {
  it('names an area by npm package, repository folder, Node internals or V8 pseudo-frame', () => {
    expect(areaOf('file:///app/node_modules/bullmq/dist/esm/classes/worker.js', 'run')).toBe('bullmq');
    expect(areaOf('file:///app/node_modules/@elastic/transport/lib/Transport.js', 'request')).toBe(
      '@elastic/transport',
    );
    expect(areaOf('file:///app/workers/extract/segment-page.ts', 'segmentPage')).toBe('workers/extract');
    expect(areaOf('file:///app/lib/queues.ts', 'parseJobData')).toBe('lib');
    expect(areaOf('node:internal/streams/readable', 'push')).toBe('node:internal');
    expect(areaOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(areaOf('', 'writeBuffer')).toBe('(native)');
  });

  it('adds up self time per area and per function from the samples and their time deltas', () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(idle)', ''),
        frame(2, 'minhash', 'file:///app/workers/dedupe/fingerprint.ts'),
        frame(3, 'sendCommand', 'file:///app/node_modules/ioredis/built/Redis.js'),
      ],
      samples: [1, 2, 2, 3, 2],
      timeDeltas: [4000, 1000, 2000, 1000, 2000],
    };
    const summary = summariseProfile(profile);
    expect(summary.totalMs).toBe(10);
    expect(summary.busyMs).toBe(6);
    expect(summary.areas).toEqual([
      { name: 'workers/dedupe', ms: 5, percent: 50 },
      { name: '(idle)', ms: 4, percent: 40 },
      { name: 'ioredis', ms: 1, percent: 10 },
    ]);
    expect(summary.functions[0]).toEqual({
      name: 'minhash workers/dedupe/fingerprint.ts:10',
      ms: 5,
      percent: 50,
    });
  });
});
