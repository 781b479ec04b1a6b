/**
 * The extract stage's input: a queued file's bytes, read where its job says they are, and their
 * hash, so the caller can tell whether the file still holds the content that was queued.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../../lib/errors.ts';

export interface PageBytes {
  bytes: Buffer;
  /** sha256 of `bytes`, hex. */
  fileHash: string;
}

/**
 * Never follows a symbolic link (O_NOFOLLOW: a file replaced by a link after it was queued is
 * not read through it) and never blocks on a FIFO. A file that is gone is INPUT_UNREADABLE.
 */
export async function readPage(path: string, fileName: string): Promise<PageBytes> {
  let bytes: Buffer;
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    try {
      if (!(await handle.stat()).isFile())
        throw new InputError('INPUT_NOT_A_FILE', `${fileName} is not a regular file`);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ELOOP' ? 'INPUT_OUTSIDE_INBOX' : 'INPUT_UNREADABLE',
      code === 'ENOENT'
        ? `${fileName} is gone: it was moved or deleted after it was queued`
        : `${fileName} cannot be read: ${(error as Error).message}`,
      { file: fileName },
    );
  }
  return { bytes, fileHash: createHash('sha256').update(bytes).digest('hex') };
}
