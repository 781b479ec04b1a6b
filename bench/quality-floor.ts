/**
 * The quality floor: the committed baseline (bench/quality-baseline.json) and the check CI runs
 * against it (`npm run bench -- --only=quality --floor`), so that a regression cannot land unseen.
 * `--write-baseline` refreshes the file on purpose, after a change whose new figures are wanted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatFigure, KEY_MEANINGS, type QualityFigures } from './quality-figures.ts';

/** How far a figure may move the wrong way before the floor fails (the scorers print 3 decimals): a few thousandths of give, no more. */
export const FLOOR_TOLERANCE = 0.005;

export const BASELINE_PATH = new URL('./quality-baseline.json', import.meta.url).pathname;

export interface QualityBaseline {
  /** How to refresh the file; for whoever opens it. */
  note: string;
  /** The commit whose figures these are. */
  commit: string;
  date: string;
  figures: QualityFigures;
}

/**
 * One message per figure that fails the floor, naming it: a figure that dropped (or, where
 * fewer is better, rose) past the tolerance, a figure of the baseline that is missing now, and a
 * figure that must be exactly 1 and is not.
 */
export function floorFailures(
  current: QualityFigures,
  baseline: QualityFigures,
  tolerance = FLOOR_TOLERANCE,
): string[] {
  const failures: string[] = [];
  for (const [key, meaning] of KEY_MEANINGS) {
    const { set, figure, part } = meaning;
    const now = current[key];
    const before = baseline[key];
    const name = `${set.label}${part === 'all' ? '' : `, half ${part}`}: ${figure.label} [${key}]`;
    if (figure.better === 'none') continue;
    if (figure.better === 'perfect' && now !== undefined) {
      if (now !== 1) failures.push(`${name} is ${formatFigure(now, figure)}, must be 1`);
      continue;
    }
    if (before === undefined) continue;
    if (now === undefined) {
      failures.push(`${name} is missing (baseline ${formatFigure(before, figure)})`);
      continue;
    }
    // Rounded so that a move of exactly the tolerance is not failed by floating-point error.
    const worse = Math.round((figure.better === 'lower' ? now - before : before - now) * 1e6) / 1e6;
    if (worse > tolerance) {
      failures.push(
        `${name} ${figure.better === 'lower' ? 'rose' : 'dropped'} to ${formatFigure(now, figure)} from ` +
          `the baseline ${formatFigure(before, figure)} (by ${worse}, more than ${tolerance})`,
      );
    }
  }
  return failures;
}

export function readBaseline(path = BASELINE_PATH): QualityBaseline {
  return JSON.parse(readFileSync(path, 'utf8')) as QualityBaseline;
}

/** Writes the figures that have a meaning (not the run's time) as the new baseline. */
export function writeBaseline(
  figures: QualityFigures,
  commit: string,
  path = BASELINE_PATH,
): QualityBaseline {
  const baseline: QualityBaseline = {
    note: 'Quality floor for `npm run bench -- --only=quality --floor`; refresh on purpose with `npm run bench -- --only=quality --write-baseline`.',
    commit,
    date: new Date().toISOString(),
    figures: Object.fromEntries(Object.entries(figures).filter(([key]) => KEY_MEANINGS.has(key))),
  };
  writeFileSync(path, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}
