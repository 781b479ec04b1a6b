import { describe, expect, it } from 'vitest';
import { halfOf, splitHalves } from '../../bench/site-halves.ts';
import { siteOf } from '../../lib/net.ts';

describe('halfOf', () => {
  it('is A when the first byte of the SHA-256 is even, else B', () => {
    // First bytes: spiegel.de 0x02, bbc.co.uk 0x46, daily8-china-russia.txt 0x8e;
    // example.com 0xa3, nytimes.com 0xf1, page-dev-000.txt 0x4f.
    for (const even of ['spiegel.de', 'bbc.co.uk', 'daily8-china-russia.txt']) expect(halfOf(even)).toBe('A');
    for (const odd of ['example.com', 'nytimes.com', 'page-dev-000.txt']) expect(halfOf(odd)).toBe('B');
  });
});

describe('splitHalves', () => {
  const urls: Record<string, string> = {
    p1: 'https://www.spiegel.de/one',
    p2: 'https://example.com/one',
    p3: 'https://spiegel.de/two',
    p4: 'https://www.example.com/two',
    p5: 'https://bbc.co.uk/three',
  };
  const halves = splitHalves(Object.keys(urls), (id) => siteOf(urls[id]) ?? id);

  it('puts every page of a site in the same half, in the given order', () => {
    expect(halves).toEqual({ A: ['p1', 'p3', 'p5'], B: ['p2', 'p4'] });
  });

  it('puts each id in exactly one half', () => {
    expect([...halves.A, ...halves.B].sort()).toEqual(Object.keys(urls));
  });
});
