/**
 * No Docker engine (nor the compose plugin) runs here, so the compose file's structure is checked
 * instead, and the setup step the README runs before `docker compose up` is run for real.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ELASTICSEARCH_VERSION } from '../../infra/local/elasticsearch-distribution.ts';
import { loadConfig } from '../../lib/config.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  user?: string;
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  /** Optional services (e.g. the `monitoring` profile) start only when their profile is asked for. */
  profiles?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** The variables lib/config.ts knows: the keys of its zod schema. */
const CONFIG_VARIABLES = new Set(
  [...readFileSync('lib/config.ts', 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((match) => match[1]),
);

describe('docker-compose.yml', () => {
  it('has Redis, Elasticsearch, Kibana, the pipeline and scalable workers', () => {
    const always = Object.entries(services).filter(([, s]) => !s.profiles);
    expect(always.map(([name]) => name).sort()).toEqual([
      'elasticsearch',
      'kibana',
      'redis',
      'sluice',
      'worker',
    ]);
  });

  it('pins every image to an exact version', () => {
    for (const [name, { image }] of Object.entries(services)) {
      if (name === 'sluice' || name === 'worker') continue;
      expect(image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it('runs the same Elasticsearch version as `sluice infra up`, and a Kibana of that version', () => {
    expect(service('elasticsearch').image).toBe(
      `docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`,
    );
    expect(service('kibana').image).toBe(`docker.elastic.co/kibana/kibana:${ELASTICSEARCH_VERSION}`);
  });

  it('gives every long-running service except the scaled worker a health check', () => {
    for (const name of ['redis', 'elasticsearch', 'kibana', 'sluice']) {
      expect(service(name).healthcheck?.test.length, name).toBeGreaterThan(1);
    }
  });

  it('runs Redis with AOF persistence, noeviction and a data volume', () => {
    const redis = service('redis');
    expect(redis.command?.join(' ')).toContain('--appendonly yes');
    expect(redis.command?.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.volumes).toContain('redis-data:/data');
  });

  it('runs Elasticsearch as one node, security off, with a data volume', () => {
    const elasticsearch = service('elasticsearch');
    expect(elasticsearch.environment).toMatchObject({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'false',
    });
    expect(elasticsearch.volumes).toContain('elasticsearch-data:/usr/share/elasticsearch/data');
    expect(service('kibana').environment?.ELASTICSEARCH_HOSTS).toBe('http://elasticsearch:9200');
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((volume) => volume.split(':')[0] as string)
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it('starts each service only after what it depends on is healthy; Kibana, optional, does not hold the pipeline', () => {
    for (const [name, { depends_on }] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(depends_on ?? {})) {
        const expected = dependency === 'kibana' ? 'service_started' : 'service_healthy';
        expect(condition, `${name} -> ${dependency}`).toBe(expected);
        expect(services[dependency], `${name} -> ${dependency}`).toBeDefined();
      }
    }
    expect(Object.keys(service('sluice').depends_on ?? {}).sort()).toEqual([
      'elasticsearch',
      'kibana',
      'redis',
    ]);
  });

  it('builds the Sluice services from the Dockerfile, pipeline with the inbox bind-mounted, workers scalable', () => {
    const sluice = service('sluice');
    const worker = service('worker');
    expect(sluice.build).toBe('.');
    expect(sluice.command).toEqual(['start']);
    expect(sluice.volumes).toContain(`./inbox:${sluice.environment?.SLUICE_INBOX}`);
    expect(worker.command).toEqual(['work']);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
  });

  it('sets only variables lib/config.ts knows, with values it accepts', () => {
    expect(CONFIG_VARIABLES.has('REDIS_URL')).toBe(true);
    for (const name of ['sluice', 'worker']) {
      const environment = service(name).environment ?? {};
      for (const variable of Object.keys(environment))
        expect(CONFIG_VARIABLES, `${name}: ${variable}`).toContain(variable);
      // `${X:-default}` and `${X:?message}` stand for what the user sets; give them sample values.
      const sample = Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [
          key,
          String(value)
            .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
            .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'a-token-of-32-characters-at-least'),
        ]),
      );
      expect(() => loadConfig(sample), name).not.toThrow();
    }
  });
});

describe('docker-compose.yml for a user who runs the README line by line (issue 16)', () => {
  it('publishes on the host only what a user opens (dashboard, Kibana, Grafana), on loopback', () => {
    const published = Object.entries(services)
      .filter(([, s]) => s.ports)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['grafana', 'kibana', 'sluice']);
    for (const [name, { ports }] of Object.entries(services)) {
      for (const port of ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('runs the pipeline as the owner of ./inbox, so it can move files out of it', () => {
    for (const name of ['sluice', 'worker'])
      expect(service(name).user, name).toMatch(/^\$\{SLUICE_UID:-1000\}:\$\{SLUICE_GID:-1000\}$/);
  });

  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** The setup step, run in a copy of the files it reads, as the README runs it. */
  function setup(): { dir: string; env: Record<string, string>; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-compose-'));
    dirs.push(dir);
    cpSync('docker-compose.yml', join(dir, 'docker-compose.yml'));
    cpSync('infra/compose-setup.sh', join(dir, 'infra', 'compose-setup.sh'));
    const output = execFileSync('sh', [join(dir, 'infra', 'compose-setup.sh')], { encoding: 'utf8' });
    const env = Object.fromEntries(
      readFileSync(join(dir, '.env'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    return { dir, env, output };
  }

  it('has a setup step that writes every variable compose requires to .env, and shows the token', () => {
    const { dir, env, output } = setup();
    const required = [...readFileSync('docker-compose.yml', 'utf8').matchAll(/\$\{([A-Z_]+):\?/g)].map(
      (m) => m[1],
    );
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(env, String(name)).toHaveProperty(String(name));
    expect(() => loadConfig({ SLUICE_HTTP_TOKEN: env.SLUICE_HTTP_TOKEN })).not.toThrow();
    expect(output).toContain(String(env.SLUICE_HTTP_TOKEN));
    expect(env.SLUICE_UID).toBe(String(process.getuid?.()));
    expect(statSync(join(dir, '.env')).mode & 0o077).toBe(0);
  });

  it('makes the inbox owned by the user who runs it, and keeps the token when run again', () => {
    const first = setup();
    const inbox = statSync(join(first.dir, 'inbox'));
    expect(inbox.isDirectory()).toBe(true);
    expect(inbox.uid).toBe(process.getuid?.());
    const again = execFileSync('sh', [join(first.dir, 'infra', 'compose-setup.sh')], { encoding: 'utf8' });
    expect(readFileSync(join(first.dir, '.env'), 'utf8').match(/^SLUICE_HTTP_TOKEN=/gm)).toHaveLength(1);
    expect(again).toContain(String(first.env.SLUICE_HTTP_TOKEN));
  });

  it('keeps .env out of git and out of the image', () => {
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain('.env');
    expect(readFileSync('.dockerignore', 'utf8').split('\n')).toContain('.env');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');

  it('builds on Node 20 slim, installs production dependencies from the lock file and runs the CLI', () => {
    expect(dockerfile).toMatch(/^FROM node:20-[a-z]+-slim$/m);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/sluice.js"]');
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
