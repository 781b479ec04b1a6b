/** The compose `monitoring` profile, checked by structure (no Docker engine runs here). */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { environment?: string }>;
};
const prometheus = parse(readFileSync('infra/prometheus/prometheus.yml', 'utf8'));
const service = (name: string) => compose.services[name] as Service;

describe('the monitoring profile of docker-compose.yml', () => {
  it('adds Prometheus and Grafana, pinned, only when the profile is asked for', () => {
    for (const name of ['prometheus', 'grafana']) {
      expect(service(name).profiles, name).toEqual(['monitoring']);
      expect(service(name).image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(service(name).healthcheck?.test.length, name).toBeGreaterThan(1);
    }
  });

  it('mounts the configuration and dashboards kept in infra/', () => {
    const mounted = ['prometheus', 'grafana'].flatMap((name) => service(name).volumes ?? []);
    const sources = mounted.map((volume) => volume.split(':')[0] as string).filter((s) => s.startsWith('./'));
    expect(sources.sort()).toEqual([
      './infra/grafana/dashboards',
      './infra/grafana/provisioning',
      './infra/prometheus/prometheus.yml',
    ]);
    for (const source of sources) expect(existsSync(source), source).toBe(true);
  });

  it("scrapes the pipeline's server at its compose name and port, with SLUICE_HTTP_TOKEN as a secret", () => {
    const port = service('sluice').environment?.SLUICE_HTTP_PORT;
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual([`sluice:${port}`]);
    expect(service('prometheus').secrets).toEqual(['sluice_http_token']);
    expect(compose.secrets.sluice_http_token).toEqual({ environment: 'SLUICE_HTTP_TOKEN' });
    const credentials = prometheus.scrape_configs[0].authorization.credentials_file;
    expect(credentials).toBe('/run/secrets/sluice_http_token');
  });

  it('scrapes every worker replica, found by DNS on the compose service name, on the port it serves', () => {
    const workers = prometheus.scrape_configs.find(
      (job: { job_name: string }) => job.job_name === 'sluice-workers',
    );
    const port = Number(service('worker').environment?.SLUICE_HTTP_PORT);
    expect(workers.dns_sd_configs).toEqual([{ names: ['worker'], type: 'A', port, refresh_interval: '15s' }]);
    expect(workers.authorization.credentials_file).toBe('/run/secrets/sluice_http_token');
    expect(service('worker').environment?.SLUICE_HTTP_HOST).toBe('0.0.0.0');
  });

  it("checks the pipeline's readiness with the token, which /readyz demands beyond loopback", () => {
    expect(service('sluice').healthcheck?.test.join(' ')).toMatch(/\/readyz.*Bearer.*SLUICE_HTTP_TOKEN/);
  });
});
