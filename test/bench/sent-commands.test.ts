import { describe, expect, it } from 'vitest';
import { SentCommandCounter, sentBetween, totalSent } from '../../bench/sent-commands.ts';

describe('the sent-command counter', () => {
  it('counts each command once by name, however often it is resent', () => {
    const counter = new SentCommandCounter();
    const evalsha = { name: 'evalsha' };
    counter.record(evalsha, 'sluice-workers');
    // ioredis passes a command through sendCommand again after a reconnect or an offline queue.
    counter.record(evalsha, 'sluice-workers');
    counter.record({ name: 'evalsha' });
    counter.record({ name: 'hgetall' }, 'sluice-ingest');
    expect(counter.counts()).toEqual({ evalsha: 2, hgetall: 1 });
  });

  it("leaves out the commands of the clients it is told to skip (a benchmark's own)", () => {
    const counter = new SentCommandCounter(['sluice-bench']);
    counter.record({ name: 'info' }, 'sluice-bench');
    counter.record({ name: 'info' }, 'sluice-workers');
    expect(counter.counts()).toEqual({ info: 1 });
  });

  it('hands out copies: later commands do not change a reading', () => {
    const counter = new SentCommandCounter();
    counter.record({ name: 'get' });
    const reading = counter.counts();
    counter.record({ name: 'get' });
    expect(reading).toEqual({ get: 1 });
  });

  it('keeps what was sent between two readings, and adds it up', () => {
    const sent = sentBetween({ evalsha: 5, info: 2 }, { evalsha: 12, info: 2, multi: 3 });
    expect(sent).toEqual({ evalsha: 7, multi: 3 });
    expect(totalSent(sent)).toBe(10);
    expect(totalSent({})).toBe(0);
  });
});
