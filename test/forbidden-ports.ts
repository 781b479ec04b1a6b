/**
 * A tripwire for tests that ignore REDIS_URL / ELASTICSEARCH_URL (issue 16): with
 * `SLUICE_TEST_FORBIDDEN_PORTS=6379,9200`, as CI's run on other ports sets it (test/other-ports.ts),
 * a connection from a test to one of those ports on loopback fails at once, and the test that made
 * it fails naming the port. Tests take their services from lib/config.ts's loadConfig(), never from
 * a hard-coded address. Without the variable this file does nothing.
 */
import { Socket } from 'node:net';
import { afterEach, expect } from 'vitest';
import { isLoopbackHost } from '../lib/net.ts';

const forbidden = new Set(
  (process.env.SLUICE_TEST_FORBIDDEN_PORTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((port) => Number(port)),
);

const attempts: string[] = [];

/**
 * Host and port of `socket.connect(...)`'s arguments: `(options)`, `(port, host?)` or `(path)`;
 * `net.connect()` passes them on normalised, as one array.
 */
function target(args: unknown[]): { host: string; port: number } | undefined {
  const [first, second] = args;
  if (Array.isArray(first)) return target(first);
  if (typeof first === 'object' && first !== null && 'port' in first) {
    const options = first as { port: number | string; host?: string };
    return { host: options.host ?? 'localhost', port: Number(options.port) };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof second === 'string' ? second : 'localhost', port: Number(first) };
  }
  return undefined;
}

if (forbidden.size > 0) {
  const connect = Socket.prototype.connect as (...args: unknown[]) => Socket;
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
    const to = target(args);
    if (to && forbidden.has(to.port) && isLoopbackHost(to.host)) {
      attempts.push(`${to.host}:${to.port}`);
      process.nextTick(() =>
        this.destroy(new Error(`forbidden port ${to.port}: take the URL from loadConfig()`)),
      );
      return this;
    }
    return connect.apply(this, args);
  } as typeof Socket.prototype.connect;

  afterEach(() => {
    const made = attempts.splice(0);
    expect(made, 'connections to a hard-coded service port instead of REDIS_URL / ELASTICSEARCH_URL').toEqual(
      [],
    );
  });
}
