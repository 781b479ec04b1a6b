/**
 * The file ledger: which content (sha256 of the bytes) the pipeline has seen and what became of
 * it. It is the file identity store, kept apart from BullMQ because job ids stop deduplicating
 * once jobs are removed. One Redis hash per content hash, under the pipeline's key prefix (a few
 * hundred bytes per file). A settled entry expires `windowMs` after it settled (SLUICE_DEDUP_WINDOW,
 * issue 15), so the ledger holds a window of files however long the pipeline runs; a content
 * dropped again after that is processed again, and its articles merge into their documents
 * (the near-duplicate index finds them through Elasticsearch). A pending entry never expires:
 * it is the only record that its file still has to be settled.
 */

import type { RedisClient } from './connections.ts';
import { ledgerKey, partitionOf } from './keys.ts';

export type FileStatus = 'pending' | 'done' | 'failed';

export interface LedgerEntry {
  status: FileStatus;
  /** Processing run of this content, from 1; a failed content dropped again gets a new run. */
  run: number;
  /** Where the content was first read from (absolute path, or "-" for stdin). */
  path: string;
  fileName: string;
  claimedAt: string;
  settledAt: string | null;
  /** Articles on the page, and how many of them were new to the index. */
  articles: number;
  newArticles: number;
  /** Times the same content was dropped again and not processed. */
  repeats: number;
  /** `{code, message, stage}` as JSON when the file failed. */
  error: string | null;
}

export type ClaimOutcome =
  /** First sight (or the last run failed): process it. */
  | 'new'
  /** Claimed before from this same path but not settled (a producer restarted): make sure it is queued. */
  | 'resume'
  /** Done, or in flight from another path: a repeat, not processed again. */
  | 'repeat'
  /**
   * In flight from another path, and the caller asked to follow: a repeat that the ledger
   * remembers, to be settled the same way as the content it repeats once that settles.
   */
  | 'follow';

export interface Claim {
  outcome: ClaimOutcome;
  run: number;
  /** Status before this claim (null for never seen). */
  previous: FileStatus | null;
}

export interface FileLedgerOptions {
  /**
   * Key prefix of the pipeline, e.g. `{sluice}` (lib/keys.ts); or, partitioned (SLUICE_PARTITIONS),
   * the prefix of each partition, an entry living in its content's (`partitionPrefixes`).
   */
  prefix: string | readonly string[];
  /**
   * The pipeline's inbox (`SLUICE_INBOX`), whose files its runs settle: `settleFile` moves no
   * file from anywhere else, whatever path a job names.
   */
  inbox: string;
  /** How long a settled entry is kept, in ms (SLUICE_DEDUP_WINDOW); default for ever. */
  windowMs?: number;
}

export interface Settlement {
  status: Exclude<FileStatus, 'pending'>;
  articles?: number;
  newArticles?: number;
  error?: { code: string; message: string; stage: string };
}

/*
 * KEYS[1] the file's ledger hash. ARGV[1] source path, ARGV[2] file name, ARGV[3] now (ISO),
 * ARGV[4] '1' to follow content in flight from another path (its path joins `followers`, a JSON
 * array). Returns {outcome, run, previous status or ""}. Atomic so two producers that see the
 * same content at once cannot both process it.
 */
const CLAIM_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'failed' then
  local run = redis.call('HINCRBY', KEYS[1], 'run', 1)
  redis.call('PERSIST', KEYS[1])
  redis.call('HSET', KEYS[1], 'status', 'pending', 'path', ARGV[1], 'fileName', ARGV[2], 'claimedAt', ARGV[3],
    'settledAt', '', 'articles', 0, 'newArticles', 0, 'error', '')
  redis.call('HSETNX', KEYS[1], 'repeats', 0)
  return {'new', run, status or ''}
end
local run = tonumber(redis.call('HGET', KEYS[1], 'run'))
if status == 'pending' and redis.call('HGET', KEYS[1], 'path') == ARGV[1] then
  return {'resume', run, status}
end
redis.call('HINCRBY', KEYS[1], 'repeats', 1)
redis.call('HSET', KEYS[1], 'lastRepeatPath', ARGV[1], 'lastRepeatAt', ARGV[3])
if status == 'pending' and ARGV[4] == '1' then
  local followers = cjson.decode(redis.call('HGET', KEYS[1], 'followers') or '[]')
  for _, path in ipairs(followers) do
    if path == ARGV[1] then return {'follow', run, status} end
  end
  followers[#followers + 1] = ARGV[1]
  redis.call('HSET', KEYS[1], 'followers', cjson.encode(followers))
  return {'follow', run, status}
end
return {'repeat', run, status}
`;

/*
 * KEYS[1] the file's ledger hash. ARGV[1] run, ARGV[2] ms the settled entry is kept ('0': for
 * ever), then field/value pairs to set.
 * Returns {1, followers (JSON array, or '')} when settled, and hands the followers over (they are
 * the caller's to settle now); {0} when the ledger has moved on to another run (stale).
 */
const SETTLE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return {0} end
local followers = redis.call('HGET', KEYS[1], 'followers') or ''
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('HDEL', KEYS[1], 'followers')
if ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, followers}
`;

/** What settling a run did: whether it was still the ledger's run, and the repeats waiting on it. */
export interface SettleResult {
  settled: boolean;
  /** Paths of copies that followed this content while it was in flight, to settle the same way. */
  followers: string[];
}

export class FileLedger {
  readonly #redis: RedisClient;
  readonly #prefixes: readonly string[];
  /** The inbox whose files the runs recorded here are settled from (FileLedgerOptions.inbox). */
  readonly inbox: string;
  readonly #windowMs: number;

  constructor(redis: RedisClient, options: FileLedgerOptions) {
    this.#redis = redis;
    this.#prefixes = typeof options.prefix === 'string' ? [options.prefix] : options.prefix;
    this.inbox = options.inbox;
    this.#windowMs = options.windowMs ?? 0;
  }

  key(fileHash: string): string {
    return ledgerKey(this.#prefixes[partitionOf(fileHash, this.#prefixes.length)] as string, fileHash);
  }

  /** SCAN MATCH patterns of every entry, one per partition. */
  keyPatterns(): string[] {
    return this.#prefixes.map((prefix) => ledgerKey(prefix, '*'));
  }

  /**
   * `follow`: a copy of content in flight from another path waits for it (outcome `follow`)
   * instead of being a plain `repeat`; the folder producer asks for it, `ingest` does not.
   */
  async claim(claim: { fileHash: string; path: string; fileName: string; follow?: boolean }): Promise<Claim> {
    const [outcome, run, previous] = (await this.#redis.eval(
      CLAIM_SCRIPT,
      1,
      this.key(claim.fileHash),
      claim.path,
      claim.fileName,
      new Date().toISOString(),
      claim.follow ? '1' : '0',
    )) as [ClaimOutcome, number, string];
    return { outcome, run: Number(run), previous: (previous || null) as FileStatus | null };
  }

  /** Records the end of a run, unless a newer run owns the entry (then nothing is written). */
  async settle(fileHash: string, run: number, settlement: Settlement): Promise<SettleResult> {
    const fields = [
      'status',
      settlement.status,
      'settledAt',
      new Date().toISOString(),
      'articles',
      String(settlement.articles ?? 0),
      'newArticles',
      String(settlement.newArticles ?? 0),
      'error',
      settlement.error ? JSON.stringify(settlement.error) : '',
    ];
    const [settled, followers] = (await this.#redis.eval(
      SETTLE_SCRIPT,
      1,
      this.key(fileHash),
      String(run),
      String(this.#windowMs),
      ...fields,
    )) as [number, string?];
    return { settled: settled === 1, followers: followers ? (JSON.parse(followers) as string[]) : [] };
  }

  async get(fileHash: string): Promise<LedgerEntry | null> {
    return toEntry(await this.#redis.hgetall(this.key(fileHash)));
  }

  /** Entries for many files in one round trip, in the order asked. */
  async getMany(fileHashes: readonly string[]): Promise<Array<LedgerEntry | null>> {
    const entries: Array<LedgerEntry | null> = new Array(fileHashes.length).fill(null);
    // One pipeline per partition: a Cluster client pipelines only keys of one slot.
    const byPartition = new Map<number, number[]>();
    fileHashes.forEach((fileHash, i) => {
      const partition = partitionOf(fileHash, this.#prefixes.length);
      const positions = byPartition.get(partition) ?? [];
      positions.push(i);
      byPartition.set(partition, positions);
    });
    await Promise.all(
      [...byPartition.values()].map(async (positions) => {
        const pipeline = this.#redis.pipeline();
        for (const i of positions) pipeline.hgetall(this.key(fileHashes[i] as string));
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, fields], at) => {
          if (error) throw error;
          entries[positions[at] as number] = toEntry(fields as Record<string, string>);
        });
      }),
    );
    return entries;
  }
}

function toEntry(fields: Record<string, string>): LedgerEntry | null {
  if (!fields.status) return null;
  return {
    status: fields.status as FileStatus,
    run: Number(fields.run),
    path: fields.path ?? '',
    fileName: fields.fileName ?? '',
    claimedAt: fields.claimedAt ?? '',
    settledAt: fields.settledAt || null,
    articles: Number(fields.articles ?? 0),
    newArticles: Number(fields.newArticles ?? 0),
    repeats: Number(fields.repeats ?? 0),
    error: fields.error || null,
  };
}
