import { describe, expect, it } from 'vitest';
import { processCpuSeconds, processMemory, samplePeakRss } from '../../bench/process-usage.ts';

describe('process usage from /proc', () => {
  it('reads the resident set and its peak of a live process, and nothing for a gone one', () => {
    const memory = processMemory(process.pid);
    const own = process.memoryUsage().rss / 2 ** 20;
    expect(memory?.rssMb).toBeGreaterThan(own * 0.5);
    expect(memory?.rssMb).toBeLessThan(own * 2);
    expect(memory?.peakRssMb).toBeGreaterThanOrEqual(memory?.rssMb ?? 0);
    expect(processMemory(2 ** 30)).toBeUndefined();
  });

  it('reads CPU seconds that grow as the process works', () => {
    const before = processCpuSeconds(process.pid);
    const until = performance.now() + 100;
    while (performance.now() < until) Math.sqrt(Math.random());
    expect(processCpuSeconds(process.pid)).toBeGreaterThan(before);
  });

  it('keeps the highest resident set seen until stopped', async () => {
    const sampler = samplePeakRss(process.pid, 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const peak = sampler.stop();
    expect(peak.rssMb).toBeGreaterThan(0);
    expect(peak.peakRssMb).toBeGreaterThanOrEqual(peak.rssMb * 0.99);
  });
});
