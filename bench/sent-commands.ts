/**
 * The Redis commands a process's clients send, by name, counted where ioredis sends them
 * (`Redis.prototype.sendCommand`, which every command passes: alone, pipelined, in a MULTI, a
 * BullMQ or dedupe script's EVALSHA). `INFO commandstats` also counts every command a Lua script
 * runs inside Redis, so the two figures differ by the scripts' own work: this one is the requests
 * on the wire, the one the queue design decides.
 *
 * In a child process (`sluice work`) it runs as a preload, `node --import tsx --import
 * bench/sent-commands.ts ...` with SENT_COMMANDS_FILE set: on SIGUSR2 the counts so far are
 * written to that file (`readSentCommands` sends the signal and reads them).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** Command name -> times sent. */
export type SentCounts = Record<string, number>;

/** The counts of one process; a command object counts once, however often ioredis resends it. */
export class SentCommandCounter {
  readonly #counts: SentCounts = {};
  readonly #seen = new WeakSet<object>();
  readonly #skipClients: ReadonlySet<string>;

  /** `skipClients`: connection names whose commands are not counted (a benchmark's own client). */
  constructor(skipClients: readonly string[] = []) {
    this.#skipClients = new Set(skipClients);
  }

  /** One command about to be sent by the client named `client`. */
  record(command: { name: string }, client?: string): void {
    if (this.#seen.has(command) || (client !== undefined && this.#skipClients.has(client))) return;
    this.#seen.add(command);
    this.#counts[command.name] = (this.#counts[command.name] ?? 0) + 1;
  }

  counts(): SentCounts {
    return { ...this.#counts };
  }
}

/** What was sent between two readings of the counts. */
export function sentBetween(before: SentCounts, after: SentCounts): SentCounts {
  const sent: SentCounts = {};
  for (const [name, count] of Object.entries(after)) {
    const delta = count - (before[name] ?? 0);
    if (delta > 0) sent[name] = delta;
  }
  return sent;
}

export function totalSent(counts: SentCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

const INSTALLED = Symbol.for('sluice.bench.sentCommandCounter');

/** Counts every command this process's ioredis clients send from now on (installed once). */
export function countSentCommands(skipClients: readonly string[] = []): SentCommandCounter {
  const holder = Redis.prototype as unknown as Record<symbol, SentCommandCounter | undefined>;
  const installed = holder[INSTALLED];
  if (installed) return installed;
  const counter = new SentCommandCounter(skipClients);
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    counter.record(args[0], this.options.connectionName);
    return send.apply(this, args);
  };
  holder[INSTALLED] = counter;
  return counter;
}

const FILE_VARIABLE = 'SENT_COMMANDS_FILE';
const PRELOAD = new URL(import.meta.url).pathname;

/** The node flags and environment that make a child process count its sent commands into `file`. */
export function sentCommandsPreload(file: string): { nodeArgs: string[]; env: Record<string, string> } {
  return { nodeArgs: ['--import', 'tsx', '--import', PRELOAD], env: { [FILE_VARIABLE]: file } };
}

/** Asks a child that runs the preload for its counts so far (SIGUSR2) and reads them. */
export async function readSentCommands(pid: number, file: string, timeoutMs = 5000): Promise<SentCounts> {
  await rm(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as SentCounts;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (performance.now() > deadline) throw new Error(`Process ${pid} wrote no command counts to ${file}`);
      await sleep(10);
    }
  }
}

const file = process.env[FILE_VARIABLE];
if (file) {
  const counter = countSentCommands();
  process.on('SIGUSR2', () => {
    // Written whole, then renamed: the reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(counter.counts()));
    renameSync(`${file}.tmp`, file);
  });
}
