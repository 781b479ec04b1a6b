/**
 * Runs integration test files against services on ports other than the ones configured (issue 16):
 * a redis-server of its own on a free port (no persistence), and the configured Elasticsearch
 * through a TCP proxy on another free port (a second node would cost a JVM and 1.3 GB; the proxy
 * moves the port, which is what a hard-coded URL misses). The real services' ports and the
 * defaults are forbidden to the tests (test/forbidden-ports.ts), so a test that ignores REDIS_URL
 * or ELASTICSEARCH_URL fails instead of quietly writing into the shared services.
 *
 *   node --import tsx test/other-ports.ts test/lib test/workers/index ...
 */
import { spawn } from 'node:child_process';
import { loadConfig } from '../lib/config.ts';
import { OwnRedis, TcpProxy } from './own-services.ts';

const port = (url: string, fallback: number) => Number(new URL(url).port || fallback);

const files = process.argv.slice(2);
const real = loadConfig();
const defaults = loadConfig({});
const forbidden = new Set([
  port(real.redisUrl, 6379),
  port(real.elasticsearch.url, 9200),
  port(defaults.redisUrl, 6379),
  port(defaults.elasticsearch.url, 9200),
]);

const redis = await OwnRedis.start({ appendOnly: false });
const node = new URL(real.elasticsearch.url);
const proxy = await TcpProxy.open({ host: node.hostname, port: port(real.elasticsearch.url, 9200) });
const elasticsearchUrl = new URL(real.elasticsearch.url);
elasticsearchUrl.host = `127.0.0.1:${proxy.port}`;
console.info(
  `Redis on port ${redis.port}, Elasticsearch through port ${proxy.port}; ports ${[...forbidden].join(', ')} forbidden.`,
);

const vitest = spawn('npx', ['vitest', 'run', '--project', 'integration', ...files], {
  stdio: 'inherit',
  env: {
    ...process.env,
    REDIS_URL: redis.url,
    ELASTICSEARCH_URL: elasticsearchUrl.toString(),
    SLUICE_TEST_FORBIDDEN_PORTS: [...forbidden].join(','),
  },
});
const code = await new Promise<number>((resolve) => vitest.once('exit', (exit) => resolve(exit ?? 1)));
await proxy.stop();
await redis.destroy();
process.exit(code);
