/**
 * The Kibana saved objects shipped in `infra/kibana/*.ndjson`, and their adaptation to one
 * pipeline. The files are written for the default alias `articles`; ids have the form
 * `sluice-<alias>-<name>`, so pipelines with different aliases keep separate objects in one
 * Kibana, and re-importing the same pipeline's objects overwrites them instead of copying.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The alias the shipped files are written for. */
export const DEFAULT_ALIAS = 'articles';

/** The folder holding the shipped `*.ndjson` files (this module's own folder). */
export const SAVED_OBJECTS_DIR = import.meta.dirname;

export interface SavedObjectReference {
  id: string;
  name: string;
  type: string;
}

/** One line of a Kibana saved-objects export, as far as Sluice reads it. */
export interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
  [key: string]: unknown;
}

/** Parses ndjson text, one object per non-empty line; the message names the line that is wrong. */
export function parseNdjson(text: string, source = 'ndjson'): SavedObject[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`${source}:${number}: not JSON (${(error as Error).message})`);
      }
      const object = value as Partial<SavedObject>;
      if (typeof object.id !== 'string' || typeof object.type !== 'string' || !object.attributes) {
        throw new Error(`${source}:${number}: a saved object needs an id, a type and attributes`);
      }
      return { ...object, references: object.references ?? [] } as SavedObject;
    });
}

/** Every saved object of every `*.ndjson` file in `dir`, files in name order. */
export async function loadSavedObjects(dir = SAVED_OBJECTS_DIR): Promise<SavedObject[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ndjson')).sort();
  const perFile = await Promise.all(
    files.map(async (name) => parseNdjson(await readFile(join(dir, name), 'utf8'), name)),
  );
  return perFile.flat();
}

/** `sluice-articles-x` becomes `sluice-<alias>-x`; foreign ids are left alone. */
function renameId(id: string, alias: string): string {
  const prefix = `sluice-${DEFAULT_ALIAS}-`;
  return id.startsWith(prefix) ? `sluice-${alias}-${id.slice(prefix.length)}` : id;
}

/**
 * The objects for a pipeline whose alias is `alias`: the data view's index pattern and title
 * name the alias, and ids (and the references to them) carry it.
 */
export function savedObjectsForAlias(objects: readonly SavedObject[], alias: string): SavedObject[] {
  return objects.map((object) => {
    const attributes =
      object.type === 'index-pattern'
        ? { ...object.attributes, title: alias, name: `Sluice: ${alias}` }
        : object.attributes;
    return {
      ...object,
      id: renameId(object.id, alias),
      attributes,
      references: object.references.map((ref) => ({ ...ref, id: renameId(ref.id, alias) })),
    };
  });
}

export function toNdjson(objects: readonly SavedObject[]): string {
  return `${objects.map((object) => JSON.stringify(object)).join('\n')}\n`;
}
