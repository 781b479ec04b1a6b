/**
 * The end of a file's run: move it out of the inbox (to done/ or failed/ with its error report)
 * and record the outcome in the file ledger. The move comes first: if the process dies between
 * the two, the retried job finds the file gone and only writes the ledger.
 */
import type { FileLedger } from '../../lib/file-ledger.ts';
import { type FileFailure, moveToDone, moveToFailed } from '../../lib/inbox.ts';
import type { FileRef } from '../../lib/queues.ts';

export type FileOutcome =
  | { status: 'done'; articles: number; newArticles: number }
  | { status: 'failed'; failure: FileFailure; articles?: number; newArticles?: number };

export async function settleFile(ledger: FileLedger, file: FileRef, outcome: FileOutcome): Promise<void> {
  if (file.inboxPath) {
    if (outcome.status === 'done') await moveToDone(file.inboxPath);
    else await moveToFailed(file.inboxPath, outcome.failure);
  }
  await ledger.settle(file.fileHash, file.run, {
    status: outcome.status,
    articles: outcome.articles,
    newArticles: outcome.newArticles,
    error: outcome.status === 'failed' ? outcome.failure : undefined,
  });
}
