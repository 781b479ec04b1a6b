/** Downloading the Elasticsearch zip over HTTPS and checking its digest before it is used. */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  type ChecksumAlgorithm,
  checksumUrls,
  knownSha512,
  parseChecksumFile,
} from './elasticsearch-distribution.ts';

export interface ExpectedDigest {
  algorithm: ChecksumAlgorithm;
  digest: string;
  /** Where the digest came from, for the log. */
  source: string;
}

/** The checksum Maven Central serves beside the zip, else the one recorded in the source. */
export async function expectedDigest(version: string): Promise<ExpectedDigest> {
  for (const { algorithm, url } of checksumUrls(version)) {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    const digest = response?.ok ? parseChecksumFile(await response.text(), algorithm) : undefined;
    if (digest) return { algorithm, digest, source: url };
  }
  const recorded = knownSha512(version);
  if (recorded) return { algorithm: 'sha512', digest: recorded, source: 'elasticsearch-distribution.ts' };
  throw new SluiceError(
    'DOWNLOAD_UNVERIFIED',
    `No checksum for Elasticsearch ${version}: refusing to run it unchecked`,
  );
}

/** Streams `url` to `destination`, logging progress every 20 %, and fails unless the digest matches. */
export async function downloadVerified(
  url: string,
  destination: string,
  expected: ExpectedDigest,
  log: Logger,
): Promise<void> {
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.part`;
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new SluiceError('DOWNLOAD_FAILED', `GET ${url} answered HTTP ${response.status}`, {
      retryable: true,
    });
  }
  const total = Number(response.headers.get('content-length')) || 0;
  const hash = createHash(expected.algorithm);
  let received = 0;
  let nextReport = 0.2;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received += chunk.length;
      if (total && received / total >= nextReport) {
        log.info(
          { percent: Math.round((received / total) * 100), megabytes: Math.round(received / 2 ** 20) },
          'Downloading Elasticsearch.',
        );
        nextReport += 0.2;
      }
      done(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    meter,
    createWriteStream(partial),
  );
  const actual = hash.digest('hex');
  if (actual !== expected.digest) {
    rmSync(partial, { force: true });
    throw new SluiceError(
      'DOWNLOAD_CORRUPT',
      `${url}: ${expected.algorithm} is ${actual}, expected ${expected.digest} (from ${expected.source})`,
      { retryable: true },
    );
  }
  renameSync(partial, destination);
  log.info(
    { file: destination, algorithm: expected.algorithm, checksumSource: expected.source },
    'Download verified.',
  );
}
