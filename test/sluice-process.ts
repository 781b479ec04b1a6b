/** Runs the `sluice` CLI as a child process, as people and supervisors do. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/sluice.js', import.meta.url));

export function spawnSluice(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface SluiceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runSluice(args: string[], env: Record<string, string>): Promise<SluiceRun> {
  const child = spawnSluice(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/** Resolves with the fields of the first JSON log line whose message is `message`. */
export function waitForLog(
  child: ChildProcess,
  message: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`No "${message}" log within ${timeoutMs} ms:\n${buffered}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.includes(message)) continue;
        try {
          const fields = JSON.parse(line) as Record<string, unknown>;
          if (fields.msg !== message) continue;
          clearTimeout(timer);
          child.stderr?.off('data', onData);
          resolve(fields);
          return;
        } catch {
          // a partial line; wait for the rest
        }
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited (${code}) before "${message}":\n${buffered}`));
    });
  });
}
