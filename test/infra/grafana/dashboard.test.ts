import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../lib/metrics.ts';

const dashboard = JSON.parse(readFileSync('infra/grafana/dashboards/sluice.json', 'utf8')) as {
  uid: string;
  panels: Array<{ id: number; title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
};
const datasources = parse(readFileSync('infra/grafana/provisioning/datasources/prometheus.yml', 'utf8'));
const prometheus = parse(readFileSync('infra/prometheus/prometheus.yml', 'utf8'));

/** Series a histogram exposes besides its name. */
const seriesNames = (name: string, type: string) =>
  type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name];

describe('the provisioned Grafana dashboard', () => {
  it('queries only metrics Sluice exposes', async () => {
    const exposed = new Set(
      (await createMetrics().registry.getMetricsAsJSON()).flatMap((metric) =>
        seriesNames(metric.name, String(metric.type)),
      ),
    );
    const queried = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => target.expr.match(/\bsluice_[a-z0-9_]+/g) ?? []),
    );
    expect(queried.length).toBeGreaterThan(10);
    for (const name of queried) expect(exposed, name).toContain(name);
  });

  it('covers queue depth, durations, articles, duplicates, files, bulk latency and memory', () => {
    const queries = dashboard.panels
      .flatMap((panel) => panel.targets.map((target) => target.expr))
      .join('\n');
    for (const metric of [
      'sluice_queue_jobs',
      'sluice_articles_total',
      'sluice_stage_duration_seconds_bucket',
      'sluice_files_done_total',
      'sluice_files_failed_total',
      'sluice_elasticsearch_bulk_duration_seconds_bucket',
      'sluice_elasticsearch_bulk_rejections_total',
      'sluice_process_resident_memory_bytes',
    ]) {
      expect(queries).toContain(metric);
    }
  });

  it('takes queue depths once however many processes report them (each reads the same Redis)', () => {
    const depths = dashboard.panels
      .flatMap((panel) => panel.targets.map((target) => target.expr))
      .filter((expr) => expr.includes('sluice_queue_jobs'));
    expect(depths.length).toBeGreaterThan(0);
    for (const expr of depths) expect(expr).toMatch(/^max by \(stage\) \(sluice_queue_jobs/);
  });

  it('uses the provisioned data source and unique panel ids', () => {
    const uid = datasources.datasources[0].uid;
    for (const panel of dashboard.panels) expect(panel.datasource.uid, panel.title).toBe(uid);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the Prometheus configuration', () => {
  it('scrapes /metrics with the bearer token from a secret file', () => {
    const [job] = prometheus.scrape_configs;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/secrets/sluice_http_token' });
    expect(job.static_configs[0].targets).toHaveLength(1);
  });
});
