/**
 * What the stage processor tests share: a claimed file in a test pipeline's inbox, and a job as
 * BullMQ hands it to a processor (the fields and calls the processors use, nothing more).
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import type { FileLedger } from '../../lib/file-ledger.ts';
import type { FileRef } from '../../lib/queues.ts';

/** Writes `content` into the inbox and claims it in the ledger, as the folder producer does. */
export async function claimedFile(
  ledger: FileLedger,
  inbox: string,
  name: string,
  content: string,
): Promise<FileRef> {
  const inboxPath = join(inbox, name);
  await writeFile(inboxPath, content);
  const fileHash = createHash('sha256').update(content).digest('hex');
  const { run } = await ledger.claim({ fileHash, path: inboxPath, fileName: name });
  return {
    fileName: name,
    fileHash,
    run,
    inboxPath,
    origin: 'watch',
    capturedAt: '2025-07-27T12:00:00.000Z',
  };
}

export interface JobParts {
  data: unknown;
  attemptsMade?: number;
  attempts?: number;
  childrenValues?: Record<string, unknown>;
  childrenFailures?: Record<string, string>;
}

export function jobOf(parts: JobParts): Job {
  return {
    id: 'job-1',
    data: parts.data,
    attemptsMade: parts.attemptsMade ?? 0,
    opts: { attempts: parts.attempts ?? 3 },
    getChildrenValues: async () => parts.childrenValues ?? {},
    getIgnoredChildrenFailures: async () => parts.childrenFailures ?? {},
  } as unknown as Job;
}
