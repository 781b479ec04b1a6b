import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * sha256 of a file's bytes, hex: the content hash that names a file everywhere (ledger, job ids,
 * sightings). Read as a stream, so a file of any size costs no more memory than a chunk.
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
