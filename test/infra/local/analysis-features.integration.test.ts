import { afterAll, describe, expect, it } from 'vitest';
import { hasAnalyzer, hasTokenFilter } from '../../../infra/local/analysis-features.ts';
import { loadConfig } from '../../../lib/config.ts';
import { createElasticsearch } from '../../../lib/connections.ts';

const client = createElasticsearch(loadConfig());
afterAll(() => client.close());

describe('analysis features of the real Elasticsearch', () => {
  it('finds the english analyzer that the index template needs', async () => {
    expect(await hasAnalyzer(client, 'english')).toBe(true);
    expect(await hasAnalyzer(client, 'standard')).toBe(true);
  });

  it('says no, instead of throwing, for an analyzer or filter the node lacks', async () => {
    expect(await hasAnalyzer(client, 'klingon')).toBe(false);
    expect(await hasTokenFilter(client, 'no_such_filter')).toBe(false);
    expect(await hasTokenFilter(client, 'lowercase')).toBe(true);
  });

  it('stems English the way the official english analyzer does', async () => {
    const { tokens } = await client.indices.analyze({ analyzer: 'english', text: "The dogs' running races" });
    expect(tokens?.map((t) => t.token)).toEqual(['dog', 'run', 'race']);
  });
});
