/**
 * What a pipeline costs Redis, read from the server itself: the commands it ran (`INFO
 * commandstats`, before and after a run), the memory its keys hold once the run has settled
 * (`INFO memory`, and `MEMORY USAGE` of every key grouped by the shape of its name). Meant for a
 * redis-server of the benchmark's own, so that every command and byte is the pipeline's.
 * The parsing and arithmetic are pure and tested (test/bench/redis-usage.test.ts).
 */
import type { Redis } from 'ioredis';

/** Calls and microseconds of one command, as `INFO commandstats` reports them. */
export interface CommandStat {
  calls: number;
  usec: number;
}

/** Command name (`evalsha`, `client|setname`) -> its calls and time. */
export type CommandStats = Map<string, CommandStat>;

/** `cmdstat_<name>:calls=<n>,usec=<n>,...` lines of `INFO commandstats`. */
export function parseCommandStats(info: string): CommandStats {
  const stats: CommandStats = new Map();
  for (const match of info.matchAll(/^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/**
 * What ran between two snapshots, minus `own` calls the measuring client made in between (a
 * command's stats are updated after it runs, so the first `INFO` counts in the second snapshot
 * and the second not in itself). Commands that did not run are left out.
 */
export function commandsBetween(
  before: CommandStats,
  after: CommandStats,
  own: Readonly<Record<string, number>> = {},
): CommandStats {
  const ran: CommandStats = new Map();
  for (const [name, stat] of after) {
    const earlier = before.get(name) ?? { calls: 0, usec: 0 };
    const calls = stat.calls - earlier.calls - (own[name] ?? 0);
    if (calls > 0) ran.set(name, { calls, usec: stat.usec - earlier.usec });
  }
  return ran;
}

/** Every call of every command. */
export function totalCalls(stats: CommandStats): number {
  let total = 0;
  for (const stat of stats.values()) total += stat.calls;
  return total;
}

/** One row of a "what dominates" table. */
export interface RankedCommand {
  name: string;
  calls: number;
  /** Calls per article. */
  perArticle: number;
  /** Share of all calls, percent. */
  callsPercent: number;
  /** Share of Redis's command time, percent. */
  usecPercent: number;
}

/** The `top` commands by calls, with their shares of calls and time and their calls per article. */
export function rankCommands(stats: CommandStats, articles: number, top = 10): RankedCommand[] {
  const calls = totalCalls(stats);
  let usec = 0;
  for (const stat of stats.values()) usec += stat.usec;
  return [...stats]
    .sort((a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([name, stat]) => ({
      name,
      calls: stat.calls,
      perArticle: perArticle(stat.calls, articles),
      callsPercent: share(stat.calls, calls),
      usecPercent: share(stat.usec, usec),
    }));
}

/** `value / articles`, to 2 decimals; NaN (null in JSON) when no article was indexed. */
export function perArticle(value: number, articles: number): number {
  if (!(articles > 0)) return Number.NaN;
  return Math.round((value / articles) * 100) / 100;
}

/** One `<field>:<number>` of an INFO section (`used_memory`, `used_cpu_user`...). */
export function infoNumber(info: string, field: string): number {
  const match = new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no numeric field ${field}`);
  return Number(match[1]);
}

/**
 * The shape of a key's name, so that keys of one kind group together whatever the pipeline calls
 * them: the pipeline's prefix dropped, and every `:`-separated part that is an id (all digits, or
 * 8 characters or more with a digit: hashes, job ids) replaced by `*`.
 * `{p}:extract:3f2a...-1:logs` -> `extract:*:logs`.
 */
export function keyFamily(key: string, prefix: string): string {
  const name = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : key;
  return name
    .split(':')
    .map((part) => (/^\d+$/.test(part) || (part.length >= 8 && /\d/.test(part)) ? '*' : part))
    .join(':');
}

/** The keys of one family and one Redis type, and the bytes `MEMORY USAGE` gives them. */
export interface KeyGroup {
  family: string;
  type: string;
  keys: number;
  bytes: number;
}

/** Groups keys by family and type, largest first. */
export function groupKeys(
  keys: ReadonlyArray<{ key: string; type: string; bytes: number }>,
  prefix: string,
): KeyGroup[] {
  const groups = new Map<string, KeyGroup>();
  for (const { key, type, bytes } of keys) {
    const family = keyFamily(key, prefix);
    const id = `${family} ${type}`;
    const group = groups.get(id) ?? { family, type, keys: 0, bytes: 0 };
    group.keys++;
    group.bytes += bytes;
    groups.set(id, group);
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes || a.family.localeCompare(b.family));
}

export async function readCommandStats(redis: Redis): Promise<CommandStats> {
  return parseCommandStats(await redis.info('commandstats'));
}

export async function usedMemory(redis: Redis): Promise<number> {
  return infoNumber(await redis.info('memory'), 'used_memory');
}

/** Keys read per SCAN and per pipeline of TYPE + MEMORY USAGE. */
const SCAN_BATCH = 1000;

/** Every key on the server with its type and `MEMORY USAGE ... SAMPLES 0` (exact, all elements). */
export async function keyUsage(redis: Redis): Promise<Array<{ key: string; type: string; bytes: number }>> {
  const usage: Array<{ key: string; type: string; bytes: number }> = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', SCAN_BATCH);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.type(key).memory('USAGE', key, 'SAMPLES', 0);
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const type = replies[2 * i]?.[1];
      const bytes = replies[2 * i + 1]?.[1];
      // A key that expired between SCAN and MEMORY USAGE answers null: it holds nothing.
      if (typeof type === 'string' && typeof bytes === 'number') usage.push({ key, type, bytes });
    });
  } while (cursor !== '0');
  return usage;
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);
