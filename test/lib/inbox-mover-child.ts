/**
 * A process that moves files into done/ for the inbox race test: waits until the time given as
 * its first argument (so two of them start together), then moves every path that follows at
 * once and prints where each went, one JSON array on stdout.
 */
import { moveToDone } from '../../lib/inbox.ts';

const [startAt, ...paths] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const targets = await Promise.all(paths.map((path) => moveToDone(path)));
process.stdout.write(`${JSON.stringify(targets)}\n`);
