/**
 * What `sluice infra up` started, so `infra down` stops only that and `infra status` can say who
 * started what. One JSON file in the cache dir.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const startedService = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().positive(),
  version: z.string(),
  /** Where to look when it misbehaves. */
  logFile: z.string(),
  /** ISO time of the start. */
  startedAt: z.string(),
});

const stateSchema = z.object({
  redis: startedService.optional(),
  elasticsearch: startedService.optional(),
});

export type StartedService = z.infer<typeof startedService>;
export type InfraState = z.infer<typeof stateSchema>;
export type ServiceName = keyof InfraState;

export function stateFilePath(cacheDir: string): string {
  return join(cacheDir, 'infra-state.json');
}

/** An unreadable or foreign file counts as "nothing started": `down` must never kill by guesswork. */
export function parseState(text: string): InfraState {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function readState(cacheDir: string): InfraState {
  try {
    return parseState(readFileSync(stateFilePath(cacheDir), 'utf8'));
  } catch {
    return {};
  }
}

export function writeState(cacheDir: string, state: InfraState): void {
  const path = stateFilePath(cacheDir);
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a crash never leaves half a file.
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

export function withService(
  state: InfraState,
  name: ServiceName,
  service: StartedService | undefined,
): InfraState {
  const next = { ...state };
  if (service) next[name] = service;
  else delete next[name];
  return next;
}
