import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../lib/log-throttle.ts';

describe('LogThrottle', () => {
  it('lets the first occurrence through, holds back the rest of the interval and counts them', () => {
    const lines = new LogThrottle(1000);
    expect(lines.take(0)).toEqual({ due: true, heldBack: 0 });
    expect(lines.take(10)).toEqual({ due: false });
    expect(lines.take(999)).toEqual({ due: false });
    expect(lines.take(1000)).toEqual({ due: true, heldBack: 2 });
    expect(lines.take(1500)).toEqual({ due: false });
    expect(lines.take(5000)).toEqual({ due: true, heldBack: 1 });
  });
});
