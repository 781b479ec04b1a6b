import { readFileSync } from 'node:fs';
import type { estypes } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { articleMappings } from '../../../infra/elasticsearch/article-index.ts';
import {
  DEFAULT_ALIAS,
  loadSavedObjects,
  parseNdjson,
  type SavedObject,
  savedObjectsForAlias,
} from '../../../infra/kibana/saved-objects.ts';
import { loadConfig } from '../../../lib/config.ts';

const objects = await loadSavedObjects();
const ofType = (type: string) => objects.filter((object) => object.type === type);

/** Every field path of a mapping, multi-fields included (`title.keyword`), with its mapping. */
function mappedFields(
  properties: Record<string, estypes.MappingProperty>,
  parent = '',
): Map<string, estypes.MappingProperty> {
  const fields = new Map<string, estypes.MappingProperty>();
  for (const [name, property] of Object.entries(properties)) {
    const path = `${parent}${name}`;
    fields.set(path, property);
    const nested = (property as { properties?: Record<string, estypes.MappingProperty> }).properties;
    const multi = (property as { fields?: Record<string, estypes.MappingProperty> }).fields;
    for (const [child, mapping] of mappedFields(nested ?? {}, `${path}.`)) fields.set(child, mapping);
    for (const [child, mapping] of mappedFields(multi ?? {}, `${path}.`)) fields.set(child, mapping);
  }
  return fields;
}

const mapping = mappedFields(articleMappings('standard').properties ?? {});

/** Lens columns of every lens object: the fields they read and how. */
function lensColumns(object: SavedObject): Array<{ operationType: string; sourceField: string }> {
  const state = object.attributes.state as {
    datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, unknown> }> } };
  };
  return Object.values(state.datasourceStates.formBased.layers).flatMap(
    (layer) => Object.values(layer.columns) as Array<{ operationType: string; sourceField: string }>,
  );
}

describe('the Kibana saved objects in infra/kibana', () => {
  it('hold a data view, the "Latest articles" search, a dashboard and its visualizations', () => {
    expect(ofType('index-pattern')).toHaveLength(1);
    expect(ofType('search').map((search) => search.attributes.title)).toEqual(['Latest articles']);
    expect(ofType('dashboard')).toHaveLength(1);
    const lensTitles = ofType('lens').map((lens) => lens.attributes.title);
    expect(lensTitles.sort()).toEqual([
      'Articles over time',
      'Duplicates merged',
      'Languages',
      'Top sources',
    ]);
  });

  it('have unique ids of the form sluice-<alias>-<name>', () => {
    const ids = objects.map((object) => object.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(new RegExp(`^sluice-${DEFAULT_ALIAS}-[a-z-]+$`));
  });

  it('reference only objects that are shipped with them', () => {
    const shipped = new Set(objects.map((object) => `${object.type}:${object.id}`));
    for (const object of objects) {
      for (const ref of object.references)
        expect(shipped, `${object.id} -> ${ref.name}`).toContain(`${ref.type}:${ref.id}`);
    }
  });

  it('give every dashboard panel and every lens layer the reference it names', () => {
    for (const dashboard of ofType('dashboard')) {
      const panels = JSON.parse(dashboard.attributes.panelsJSON as string) as Array<{ panelRefName: string }>;
      expect(panels.length).toBe(5);
      const names = dashboard.references.map((ref) => ref.name);
      for (const panel of panels) expect(names).toContain(panel.panelRefName);
    }
    for (const lens of ofType('lens')) {
      const state = lens.attributes.state as { datasourceStates: { formBased: { layers: object } } };
      for (const layer of Object.keys(state.datasourceStates.formBased.layers)) {
        expect(lens.references.map((ref) => ref.name)).toContain(`indexpattern-datasource-layer-${layer}`);
      }
    }
    for (const search of ofType('search')) {
      const source = JSON.parse(
        (search.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON,
      );
      expect(search.references.map((ref) => ref.name)).toContain(source.indexRefName);
    }
  });

  it("point the data view at the configured alias, with the default alias's file as written", () => {
    const [view] = ofType('index-pattern');
    expect(view?.attributes.title).toBe(loadConfig({}).index);
    expect(view?.attributes.title).toBe(DEFAULT_ALIAS);
    const configured = loadConfig({ SLUICE_INDEX: 'news-eu' }).index;
    const adapted = savedObjectsForAlias(objects, configured);
    expect(adapted.find((object) => object.type === 'index-pattern')?.attributes.title).toBe('news-eu');
    const ids = new Set(adapted.map((object) => object.id));
    for (const object of adapted) {
      expect(object.id).toMatch(/^sluice-news-eu-/);
      for (const ref of object.references) expect(ids).toContain(ref.id);
    }
  });

  it('use only fields of the index mapping, each in a way its type allows', () => {
    const [view] = ofType('index-pattern');
    const timeField = view?.attributes.timeFieldName as string;
    expect(timeField).toBe('timestamp');
    expect(mapping.get(timeField)?.type).toBe('date');

    for (const search of ofType('search')) {
      const columns = search.attributes.columns as string[];
      expect(columns).toEqual(['title', 'source', 'published']);
      for (const column of columns) expect(mapping.has(column), column).toBe(true);
      for (const [field] of search.attributes.sort as Array<[string, string]>) {
        expect(mapping.get(field)?.type, field).toBe('date');
      }
    }

    const aggregatable = new Set(['keyword', 'date', 'integer', 'long', 'float', 'double']);
    for (const lens of ofType('lens')) {
      for (const column of lensColumns(lens)) {
        if (column.operationType === 'count') continue;
        const field = mapping.get(column.sourceField) as { type?: string; index?: boolean } | undefined;
        expect(field, `${lens.attributes.title}: ${column.sourceField}`).toBeDefined();
        expect(aggregatable, `${column.sourceField} is ${field?.type}`).toContain(field?.type);
        expect(field?.index, column.sourceField).not.toBe(false);
        if (column.operationType === 'date_histogram') expect(field?.type).toBe('date');
        if (column.operationType === 'sum') expect(field?.type).toBe('integer');
      }
    }
  });
});

describe("the README's KQL examples", () => {
  it('search only fields of the index mapping', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Searching in Kibana'));
    const examples = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] as string);
    expect(examples.length).toBeGreaterThan(5);
    for (const kql of examples) {
      // `field : value`, `field >= value`, and nested `field:{ inner : value }`.
      const nested = [...kql.matchAll(/([A-Za-z.]+):\{\s*([A-Za-z.]+)\s*:/g)].map((m) => `${m[1]}.${m[2]}`);
      const plain = [
        ...kql.replace(/[A-Za-z.]+:\{[^}]*\}/g, '').matchAll(/([A-Za-z][A-Za-z.]*)\s*(?::|>=|<=|>|<)/g),
      ].map((m) => m[1] as string);
      for (const field of [...nested, ...plain]) expect(mapping.has(field), `${kql}: ${field}`).toBe(true);
    }
  });
});

describe('parseNdjson', () => {
  it('names the line that is not a saved object', () => {
    expect(() =>
      parseNdjson('{"id":"a","type":"search","attributes":{}}\n\n{"id":"b"}\n', 'x.ndjson'),
    ).toThrow('x.ndjson:3: a saved object needs an id, a type and attributes');
    expect(() => parseNdjson('{oops', 'x.ndjson')).toThrow(/^x\.ndjson:1: not JSON/);
  });
});
