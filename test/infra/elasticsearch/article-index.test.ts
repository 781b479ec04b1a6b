import { describe, expect, it } from 'vitest';
import {
  articleIndexTemplate,
  articleMappings,
  mappingDifferences,
} from '../../../infra/elasticsearch/article-index.ts';

describe('articleIndexTemplate', () => {
  it('creates indices with the primaries and replicas asked for, 1 and 1 by default', () => {
    expect(articleIndexTemplate('news', 'standard').template?.settings).toMatchObject({
      number_of_shards: 1,
      number_of_replicas: 1,
    });
    const settings = articleIndexTemplate('news', 'standard', { primaries: 3, replicas: 2 }).template
      ?.settings;
    expect(settings).toMatchObject({ number_of_shards: 3, number_of_replicas: 2, refresh_interval: '1s' });
  });
});

describe('mappingDifferences', () => {
  it('finds none in the article mapping, whatever the analyzer', () => {
    expect(mappingDifferences(articleMappings('english'), articleMappings('standard'))).toEqual([]);
  });

  it('names each field missing or of another type, nested fields by their path', () => {
    const expected = articleMappings('standard');
    const actual = structuredClone(expected);
    const properties = actual.properties ?? {};
    delete properties.lead;
    properties.title = { type: 'keyword' };
    const sightings = properties.sightings as { properties: Record<string, object> };
    sightings.properties.fileHash = { type: 'text' };
    expect(mappingDifferences(actual, expected).sort()).toEqual([
      'lead: expected text, missing',
      'sightings.fileHash: expected keyword, found text',
      'title: expected text, found keyword',
    ]);
  });

  it('sees a dynamic mapping (objects where nested fields were) as another mapping', () => {
    const dynamic = { properties: { sightings: { properties: { file: { type: 'text' as const } } } } };
    expect(mappingDifferences(dynamic, articleMappings('standard'))).toContain(
      'sightings: expected nested, found object',
    );
  });
});
