/**
 * Memory and CPU of the processes a benchmark runs on: a child process read from /proc (Linux),
 * Elasticsearch from its node stats and Redis from INFO, so a run can say where the CPU went.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux build in use). */
const TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  /** Resident set now, MB. */
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** Memory of a live process from /proc/<pid>/status; undefined once it has exited. */
export function processMemory(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a live process has used, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds the Elasticsearch node(s) have used since they started. */
export async function elasticsearchCpuSeconds(client: Client): Promise<number> {
  const stats = await client.nodes.stats({ metric: 'process' });
  return Object.values(stats.nodes).reduce(
    (sum, node) => sum + (node.process?.cpu?.total_in_millis ?? 0) / 1000,
    0,
  );
}

/** CPU seconds the Redis server has used since it started (user + system, main thread and others). */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Samples a process's memory every `everyMs` until stopped; returns the highest RSS seen. */
export function samplePeakRss(pid: number, everyMs = 200): { stop(): ProcessMemory } {
  let peak: ProcessMemory = { rssMb: 0, peakRssMb: 0 };
  const sample = () => {
    const now = processMemory(pid);
    if (now) peak = { rssMb: Math.max(peak.rssMb, now.rssMb), peakRssMb: now.peakRssMb };
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return peak;
    },
  };
}
