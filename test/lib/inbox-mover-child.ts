/**
 * A process that moves files for the inbox race tests: waits until the time given (so two of
 * them start together), then moves every path given at once into done/ or failed/ and prints
 * where each went, one JSON array on stdout. Arguments: `done|failed <start time, ms> <path>...`.
 */
import { dirname } from 'node:path';
import { moveToDone, moveToFailed } from '../../lib/inbox.ts';

const [folder, startAt, ...paths] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const failure = { code: 'INPUT_EMPTY', message: 'raced', stage: 'extract' };
const targets = await Promise.all(
  paths.map((path) =>
    folder === 'failed' ? moveToFailed(dirname(path), path, failure) : moveToDone(dirname(path), path),
  ),
);
process.stdout.write(`${JSON.stringify(targets)}\n`);
