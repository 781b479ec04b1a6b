/**
 * What integration tests of the pipeline share: a config with a unique queue prefix, index and
 * inbox per test, and the cleanup that removes every Redis key, index and folder it made.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import {
  openPipelineProcess,
  type PipelineProcess,
  type PipelineProcessOptions,
} from '../bin/pipeline-process.ts';
import { type Config, loadConfig } from '../lib/config.ts';
import { createElasticsearch, createRedis } from '../lib/connections.ts';
import { createLogger, type Logger } from '../lib/logger.ts';

export interface TestPipeline {
  config: Config;
  /** The environment that gives `config`, for child processes. */
  env: Record<string, string>;
  redis: Redis;
  elasticsearch: Client;
  /** Deletes the pipeline's Redis keys, its index, template and inbox; closes the clients. */
  cleanup(): Promise<void>;
}

export async function createTestPipeline(settings: Record<string, string> = {}): Promise<TestPipeline> {
  const name = `test-${randomUUID().slice(0, 12)}`;
  const inbox = await mkdtemp(join(tmpdir(), 'sluice-inbox-'));
  const env = {
    SLUICE_QUEUE_PREFIX: name,
    SLUICE_INDEX: name,
    SLUICE_INBOX: inbox,
    SLUICE_HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...settings,
  };
  const config = loadConfig({ ...process.env, ...env });
  const redis = createRedis(config.redisUrl, { blocking: true, name: 'sluice-test' });
  const elasticsearch = createElasticsearch(config);
  return {
    config,
    env,
    redis,
    elasticsearch,
    async cleanup() {
      await deleteKeys(redis, `{${config.queuePrefix}}*`);
      await elasticsearch.indices.delete({ index: `${config.index}-v1`, ignore_unavailable: true });
      await elasticsearch.indices
        .deleteIndexTemplate({ name: `${config.index}-articles` })
        .catch(() => undefined);
      await rm(inbox, { recursive: true, force: true });
      redis.disconnect();
      await elasticsearch.close();
    },
  };
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 50_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Documents in the pipeline's alias, after a refresh. */
export async function countDocuments(elasticsearch: Client, alias: string): Promise<number> {
  await elasticsearch.indices.refresh({ index: alias });
  return (await elasticsearch.count({ index: alias })).count;
}

/**
 * The folder watcher and the workers of `config` in this process: `sluice start`'s own wiring
 * (bin/pipeline-process.ts), without its HTTP server unless `serve` is set.
 */
export async function startPipeline(
  config: Config,
  elasticsearch: Client,
  options: Omit<PipelineProcessOptions, 'elasticsearch' | 'watch'> & { logger?: Logger } = {},
): Promise<PipelineProcess> {
  const { logger = createLogger({ level: 'silent' }), ...rest } = options;
  return openPipelineProcess(config, logger, { serve: false, ...rest, elasticsearch, watch: true });
}
export type { PipelineProcess as RunningPipeline } from '../bin/pipeline-process.ts';

/**
 * One pipeline for all the tests of a file: created with `settings` and started before them,
 * closed and cleaned up after them (vitest's beforeAll / afterAll). Call it at the file's top;
 * the getter gives the pipeline inside the tests.
 */
export function pipelinePerFile(
  settings: Record<string, string>,
  options: { logger?: Logger } = {},
): () => TestPipeline {
  let pipeline: TestPipeline | undefined;
  let running: PipelineProcess | undefined;
  beforeAll(async () => {
    pipeline = await createTestPipeline(settings);
    running = await startPipeline(pipeline.config, pipeline.elasticsearch, options);
  });
  afterAll(async () => {
    await running?.close();
    await pipeline?.cleanup();
  });
  return () => {
    if (!pipeline) throw new Error('pipelinePerFile: the pipeline is made in beforeAll');
    return pipeline;
  };
}
