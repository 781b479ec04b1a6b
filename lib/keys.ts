/**
 * Every Redis key name of a pipeline, in one place. All of a pipeline's keys start with its
 * prefix, `{SLUICE_QUEUE_PREFIX}`: the braces are a Redis Cluster hash tag, so every key of one
 * pipeline hashes to one slot, which BullMQ's multi-key Lua scripts and the dedupe claim require.
 *
 * | key | type | what |
 * | --- | --- | --- |
 * | `{p}:files:…` | BullMQ's | the `files` queue (one per partition: `{p.<i>.<salt>}:files:…`) |
 * | `{p}:ledger:<sha256>` | hash | the file ledger entry of one content (lib/file-ledger.ts); expires a window after it settled |
 * | `{p}:near-duplicates:dedupe:exact:<period>:<bucket>` | hash | exact-hash tail -> article id; expires after the next period |
 * | `{p}:near-duplicates:dedupe:lsh:<period>:<bucket>` | hash | LSH band-value tail -> article ids; the same |
 * | `{p}:near-duplicates:dedupe:sig:<id>` | string | an article's signature; expires with the last period that saw it |
 * | `{p}:near-duplicates:<index>:…` | as above | the dedup state of an index a reindex built (`<alias>-v<N>`) |
 * | `{p}:index-state:<alias>` | hash | which dedup namespace the alias's index uses, and the index a reindex is building |
 * | `{p}:reindex-lock:<alias>` | string | the running reindex's token, with an expiry it renews |
 * | `{p}:reindex-writers:<alias>` | set | ids of the file jobs that wrote the alias and the index being built (the swap waits for them) |
 * | `{p}:reindex:<index>:files` | hash | file sha256 -> outcome (JSON) of each file the reindex into `<index>` settled |
 * | `{p}:chrome:lines` | sorted set | learned chrome: short-line key -> decaying count of the files it was on (workers/extract/chrome-store.ts); bounded, expires 10 half-lives after the last write |
 * | `{p}:chrome:file:<sha256>` | string | a file whose lines were counted (counted once per content); expires after one half-life (a week) |
 *
 * With `SLUICE_PARTITIONS=K` above 1 (docs/scaling.md, "Redis Cluster"), the `files` queue and the
 * ledger are spread over K tags of their own, `{p.<i>.<salt>}` (partitionPrefixes): a file's content
 * hash picks its partition, and the salt puts partition i in the i-th K-th of the 16384 hash slots,
 * so on a cluster whose masters hold equal slot ranges the partitions spread over the masters.
 * Everything else (the near-duplicate index, index state, reindex keys) stays under `{p}`: dedup
 * must see every article, whatever partition its file went to.
 *
 * A period is one SLUICE_DEDUP_WINDOW (base 36 of floor(ms since the epoch / window)).
 *
 * (The near-duplicate index's layout is documented in workers/dedupe/near-duplicate-index.ts.)
 */
import type { Config } from './config.ts';

/** The prefix of every key of a pipeline, hash tag included; also BullMQ's queue prefix. */
export function pipelinePrefix(config: Pick<Config, 'queuePrefix'>): string {
  return `{${config.queuePrefix}}`;
}

/** Hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key, as `CLUSTER KEYSLOT` computes it (the first non-empty `{tag}` counts). */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(Buffer.from(hashed, 'utf8')) % CLUSTER_SLOTS;
}

/**
 * The key prefix (hash tag included) of each partition's queue and ledger: `{p}` itself when there
 * is one partition, else `{p.<i>.<salt>}` with the smallest salt whose slot lies in the i-th of K
 * equal slot ranges (the ranges `redis-cli --cluster create` gives K masters).
 */
export function partitionPrefixes(config: Pick<Config, 'queuePrefix' | 'partitions'>): string[] {
  if (config.partitions <= 1) return [pipelinePrefix(config)];
  return Array.from({ length: config.partitions }, (_, i) => {
    const low = Math.ceil((i * CLUSTER_SLOTS) / config.partitions);
    const high = Math.ceil(((i + 1) * CLUSTER_SLOTS) / config.partitions);
    for (let salt = 0; ; salt++) {
      const prefix = `{${config.queuePrefix}.${i}.${salt}}`;
      const slot = keySlot(prefix);
      if (slot >= low && slot < high) return prefix;
    }
  });
}

/** Which of `partitions` partitions a content goes to: its sha256 (or a job id, which starts with it), modulo. */
export function partitionOf(fileHash: string, partitions: number): number {
  if (partitions <= 1) return 0;
  const head = Number.parseInt(fileHash.slice(0, 8), 16);
  return Number.isNaN(head) ? 0 : head % partitions;
}

/** The file ledger entry of one content. */
export function ledgerKey(prefix: string, fileHash: string): string {
  return `${prefix}:ledger:${fileHash}`;
}

/** The dedup namespace of the alias's first index; an index a reindex builds gets its own name. */
export const DEFAULT_DEDUP_NAMESPACE = 'dedupe';

/** What every key of one near-duplicate index starts with. */
export function nearDuplicateKeyPrefix(prefix: string, namespace = DEFAULT_DEDUP_NAMESPACE): string {
  return `${prefix}:near-duplicates:${namespace}:`;
}

/** Which index and dedup namespace the alias's writers use, and what a reindex is building. */
export function indexStateKey(prefix: string, alias: string): string {
  return `${prefix}:index-state:${alias}`;
}

/** The lock that lets one reindex of an alias run at a time. */
export function reindexLockKey(prefix: string, alias: string): string {
  return `${prefix}:reindex-lock:${alias}`;
}

/** The file jobs that wrote the alias and the index a reindex builds: the swap waits for them. */
export function reindexWritersKey(prefix: string, alias: string): string {
  return `${prefix}:reindex-writers:${alias}`;
}

/** The outcome of each file a reindex into `index` has settled. */
export function reindexFilesKey(prefix: string, index: string): string {
  return `${prefix}:reindex:${index}:files`;
}

/** Learned chrome: the decaying count of each short-line key (workers/extract/chrome-store.ts). */
export function chromeLinesKey(prefix: string): string {
  return `${prefix}:chrome:lines`;
}

/** The marker of one file content whose lines were counted. */
export function chromeFileKey(prefix: string, fileHash: string): string {
  return `${prefix}:chrome:file:${fileHash}`;
}

/** A SCAN MATCH pattern for the keys under `keyPrefix` (braces are literal there; '[' is not). */
export function keysMatching(keyPrefix: string): string {
  return `${keyPrefix.replace(/[[\]*?\\]/g, '\\$&')}*`;
}
