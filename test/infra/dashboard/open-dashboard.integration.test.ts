import { describe, expect, it } from 'vitest';
import { createTestPipeline } from '../../pipeline-harness.ts';
import { runSluice } from '../../sluice-process.ts';

describe('sluice start with the dashboard', () => {
  it('refuses to listen beyond loopback without a token, naming the setting, before starting anything', async () => {
    const pipeline = await createTestPipeline({ SLUICE_HTTP_HOST: '0.0.0.0' });
    try {
      const run = await runSluice(['start'], pipeline.env);
      expect(run.code).toBe(78);
      expect(run.stderr).toContain(
        'sluice: SLUICE_HTTP_TOKEN: required when SLUICE_HTTP_HOST (0.0.0.0) is not a loopback address',
      );
      expect(await pipeline.redis.keys(`{${pipeline.config.queuePrefix}}*`)).toEqual([]);
    } finally {
      await pipeline.cleanup();
    }
  });
});
