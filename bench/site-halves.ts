/**
 * The project's site-disjoint halves of the shared sets: every page of one site falls in the
 * same half, so a rule fitted to some sites' pages lifts one half and not the other.
 * site = the page URL's hostname, lower-cased, without a leading "www." (lib/net.ts siteOf); half "A" when the
 * first byte of sha256(site) is even, else "B". Pages without a URL (aggregator pages, the
 * seed) are halved by their file name the same way.
 */
import { createHash } from 'node:crypto';

export type Half = 'A' | 'B';
export const HALVES: readonly Half[] = ['A', 'B'];

/** The half of a site (or file name): "A" when the first byte of its SHA-256 is even. */
export function halfOf(key: string): Half {
  const firstByte = createHash('sha256').update(key).digest()[0] as number;
  return firstByte % 2 === 0 ? 'A' : 'B';
}

/** The ids of each half, in their given order, from each id's site (or file name). */
export function splitHalves(ids: readonly string[], keyOf: (id: string) => string): Record<Half, string[]> {
  const halves: Record<Half, string[]> = { A: [], B: [] };
  for (const id of ids) halves[halfOf(keyOf(id))].push(id);
  return halves;
}
