/**
 * A `sluice` command run as a child process for a benchmark, as an operator runs it: started,
 * waited for until it logs that it is ready, and stopped with SIGTERM (graceful, so a CPU profile
 * asked for with `--cpu-prof` is written; Node 20 refuses that flag in NODE_OPTIONS).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForLog } from '../test/sluice-process.ts';

const BIN = fileURLToPath(new URL('../bin/sluice.js', import.meta.url));

export interface SluiceChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The last lines it wrote to stderr (its log), for a failure report. */
  recentLog(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `timeoutMs` (default 30000). */
  stop(timeoutMs?: number): Promise<void>;
}

const KEPT_LOG_CHARS = 8000;

export interface StartSluiceOptions {
  /** Flags for node itself, before the script (`--cpu-prof`...); default none. */
  nodeArgs?: string[];
}

export async function startSluice(
  args: string[],
  env: Record<string, string>,
  readyMessage: string,
  options: StartSluiceOptions = {},
): Promise<SluiceChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-KEPT_LOG_CHARS);
  });
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForLog(child, readyMessage);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    process: child,
    pid: child.pid as number,
    recentLog: () => log,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
