/**
 * Which index an alias's writers use and what a reindex (issue 17, `sluice reindex`) is building,
 * kept in Redis so every worker process agrees. A worker reads it once per job: while a reindex
 * builds `<alias>-v<N+1>`, a file dropped meanwhile is written to the alias AND to the new index
 * (with the new index's own dedup namespace), so nothing dropped during the rebuild is missing
 * after the swap. Also here: the lock that lets one reindex of an alias run at a time, and the
 * record of each file a reindex settled (what a resumed reindex skips).
 */

import { type RedisClient, scanKeys } from './connections.ts';
import {
  DEFAULT_DEDUP_NAMESPACE,
  indexStateKey,
  keysMatching,
  nearDuplicateKeyPrefix,
  reindexFilesKey,
  reindexLockKey,
  reindexWritersKey,
} from './keys.ts';
import type { IndexTarget } from './queues.ts';

/**
 * `building`: writers write the alias and the new index. `swapping`: the alias is about to move,
 * so writers write only the new index (a job still writing the old one after the swap would
 * write into an index about to be deleted).
 */
export type BuildPhase = 'building' | 'swapping';

export interface IndexState {
  /** Dedup namespace whose claims give the ids of the alias's current index. */
  liveNamespace: string;
  /** The reindex in progress, if any. */
  build: { source: string; target: IndexTarget; phase: BuildPhase; attempt: number } | null;
}

/** What a reindex job settled for one file. */
export interface ReindexedFile {
  status: 'done' | 'failed';
  fileName: string;
  articles: number;
  newArticles: number;
  /** `CODE: message` when failed. */
  error?: string;
}

export interface IndexStateOptions {
  /** The pipeline's key prefix incl. hash tag (lib/keys.ts). */
  prefix: string;
  /** The alias people search (SLUICE_INDEX). */
  alias: string;
}

const RENEW_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** The state's fields (flat), and 1 when job ARGV[1] writes both indices: see `writeTargets`. */
const READ_AS_WRITER = `
local fields = redis.call('HGETALL', KEYS[1])
local state = {}
for i = 1, #fields, 2 do state[fields[i]] = fields[i + 1] end
if not state.target then return {fields, 0} end
if state.phase ~= 'swapping' then
  redis.call('SADD', KEYS[2], ARGV[1])
  return {fields, 1}
end
return {fields, redis.call('SISMEMBER', KEYS[2], ARGV[1])}`;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class IndexStateStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #alias: string;
  readonly #key: string;
  readonly #lockKey: string;
  readonly #writersKey: string;

  constructor(redis: RedisClient, options: IndexStateOptions) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#alias = options.alias;
    this.#key = indexStateKey(options.prefix, options.alias);
    this.#lockKey = reindexLockKey(options.prefix, options.alias);
    this.#writersKey = reindexWritersKey(options.prefix, options.alias);
  }

  async read(): Promise<IndexState> {
    return this.#parse(await this.#redis.hgetall(this.#key));
  }

  #parse(fields: Record<string, string>): IndexState {
    const liveNamespace = fields.liveNamespace ?? DEFAULT_DEDUP_NAMESPACE;
    if (!fields.target || !fields.targetNamespace || !fields.source) return { liveNamespace, build: null };
    return {
      liveNamespace,
      build: {
        source: fields.source,
        target: { index: fields.target, namespace: fields.targetNamespace },
        phase: fields.phase === 'swapping' ? 'swapping' : 'building',
        attempt: Number(fields.attempt ?? 1),
      },
    };
  }

  /**
   * Where file job `jobId` (not a reindex job) writes: the alias, and during a build the new
   * index too. A job that reads `building` is recorded as a writer of both, in the same script
   * call, so no phase change slips in between; in `swapping` a writer (running again after a
   * failure, say) still writes both, since the alias waits for it (`pendingWriters`), and any
   * other job writes only the new index.
   */
  async writeTargets(jobId: string): Promise<IndexTarget[]> {
    const [flat, writer] = (await this.#redis.eval(
      READ_AS_WRITER,
      2,
      this.#key,
      this.#writersKey,
      jobId,
    )) as [string[], number];
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
    const state = this.#parse(fields);
    const live = { index: this.#alias, namespace: state.liveNamespace };
    if (!state.build) return [live];
    return writer === 1 ? [live, state.build.target] : [state.build.target];
  }

  /** The jobs recorded as writers of the alias and the new index during the build (`writeTargets`). */
  async writers(): Promise<string[]> {
    return this.#redis.smembers(this.#writersKey);
  }

  /** Forgets writers whose jobs are settled for good. */
  async forgetWriters(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.#redis.srem(this.#writersKey, ...jobIds);
  }

  /** Records the build of `target` from `source` (attempt 1), or the next attempt of the same build. */
  async startBuild(source: string, target: IndexTarget): Promise<number> {
    const state = await this.read();
    const attempt = state.build?.target.index === target.index ? state.build.attempt + 1 : 1;
    await this.#redis.hset(this.#key, {
      source,
      target: target.index,
      targetNamespace: target.namespace,
      phase: 'building',
      attempt,
    });
    return attempt;
  }

  async setPhase(phase: BuildPhase): Promise<void> {
    await this.#redis.hset(this.#key, 'phase', phase);
  }

  /** After the swap: the built index's namespace is the live one, and no build is in progress. */
  async finishBuild(target: IndexTarget): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#key, 'liveNamespace', target.namespace)
      .hdel(this.#key, 'source', 'target', 'targetNamespace', 'phase', 'attempt')
      .del(reindexFilesKey(this.#prefix, target.index), this.#writersKey)
      .exec();
  }

  /** Takes the reindex lock for `ttlMs`; false when another reindex holds it. */
  async lock(token: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#lockKey, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Extends the lock this token holds; false when it was lost (expired and taken). */
  async renewLock(token: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.eval(RENEW_LOCK, 1, this.#lockKey, token, ttlMs)) === 1;
  }

  async unlock(token: string): Promise<void> {
    await this.#redis.eval(RELEASE_LOCK, 1, this.#lockKey, token);
  }

  /** Records what a reindex job settled for a content (a later attempt overwrites it). */
  async recordFile(index: string, fileHash: string, file: ReindexedFile): Promise<void> {
    await this.#redis.hset(reindexFilesKey(this.#prefix, index), fileHash, JSON.stringify(file));
  }

  async recordedCount(index: string): Promise<number> {
    return this.#redis.hlen(reindexFilesKey(this.#prefix, index));
  }

  async recordedFiles(index: string): Promise<Map<string, ReindexedFile>> {
    const fields = await this.#redis.hgetall(reindexFilesKey(this.#prefix, index));
    return new Map(Object.entries(fields).map(([hash, json]) => [hash, JSON.parse(json) as ReindexedFile]));
  }

  async forgetFiles(index: string, fileHashes?: readonly string[]): Promise<void> {
    const key = reindexFilesKey(this.#prefix, index);
    if (!fileHashes) await this.#redis.del(key);
    else if (fileHashes.length > 0) await this.#redis.hdel(key, ...fileHashes);
  }

  /** Deletes a dedup namespace's keys (the fresh start of a build, the old index's after a swap). */
  async deleteDedupState(namespace: string): Promise<void> {
    for await (const keys of scanKeys(
      this.#redis,
      keysMatching(nearDuplicateKeyPrefix(this.#prefix, namespace)),
    ))
      await this.#redis.unlink(...keys);
  }
}
