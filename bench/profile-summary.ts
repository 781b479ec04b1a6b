/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its time: self time per area (an npm package,
 * a folder of this repository, Node's internals, GC, idle) and per function, as shares of the
 * profile. Pure: takes the parsed profile.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  ms: number;
  /** Share of the whole profile, percent. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Wall time not spent idle, ms. */
  busyMs: number;
  areas: ProfileShare[];
  functions: ProfileShare[];
}

export function summariseProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    totalMs += ms;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  });
  const ranked = (shares: Map<string, number>) =>
    [...shares]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((1000 * ms) / totalMs) / 10 }));
  return {
    totalMs: Math.round(totalMs),
    busyMs: Math.round(totalMs - (areas.get('(idle)') ?? 0)),
    areas: ranked(areas),
    functions: ranked(functions),
  };
}

/** `bullmq`, `ioredis`, `workers/extract`, `node:internal`, `(garbage collector)`... */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1] as string;
  if (url.startsWith('node:')) return 'node:internal';
  const repoMatch = /\/(workers|producers|lib|infra|bench|bin)\/(?:([^/]+)\/)?/.exec(url);
  if (repoMatch)
    return repoMatch[2] && !repoMatch[2].includes('.')
      ? `${repoMatch[1]}/${repoMatch[2]}`
      : (repoMatch[1] as string);
  return url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*?\/(workers|producers|lib|infra|bench|bin)\//, '$1/');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: profile-summary.ts <file.cpuprofile>');
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  console.log(`profile ${summary.totalMs} ms, busy ${summary.busyMs} ms`);
  for (const list of [summary.areas, summary.functions]) {
    console.log('');
    for (const share of list)
      console.log(
        `${String(share.percent).padStart(5)} %  ${String(share.ms).padStart(7)} ms  ${share.name}`,
      );
  }
}
