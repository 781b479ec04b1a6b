/**
 * The lasting record of deduplication, read from the articles index (issue 15): the documents
 * that hold any of a file's exact fingerprints or band keys, in one search request. The dedupe
 * stage calls it through the wiring (workers/pipeline.ts) when Redis has no candidate.
 */
import { type Client, errors } from '@elastic/elasticsearch';
import type { ArticleDocument, LastingRecord, LastingRecordLookup } from '../../lib/article-document.ts';
import { ServiceError } from '../../lib/errors.ts';

export interface LastingRecordSearchOptions {
  /** The alias (or index) to search. */
  index: string;
  /** Documents read per article looked up (band collisions beyond them are rare); default 16. */
  hitsPerArticle?: number;
}

/** Elasticsearch's default `index.max_result_window`. */
const MAX_HITS = 10_000;
const SOURCE_FIELDS = ['exactKeys', 'bandKeys', 'signature'] as const;

export function lastingRecordSearch(
  client: Client,
  options: LastingRecordSearchOptions,
): LastingRecordLookup {
  const hitsPerArticle = options.hitsPerArticle ?? 16;
  return async ({ exactKeys, bandKeys }) => {
    if (exactKeys.length === 0 && bandKeys.length === 0) return [];
    try {
      const response = await client.search<Pick<ArticleDocument, (typeof SOURCE_FIELDS)[number]>>({
        index: options.index,
        size: Math.min(MAX_HITS, hitsPerArticle * Math.max(1, exactKeys.length)),
        _source: [...SOURCE_FIELDS],
        track_total_hits: false,
        query: {
          // (No `exists` filter on the signature: a binary field is not indexed, so it never matches.)
          bool: { should: [{ terms: { exactKeys } }, { terms: { bandKeys } }], minimum_should_match: 1 },
        },
      });
      return response.hits.hits.flatMap((hit): LastingRecord[] => {
        const source = hit._source;
        if (!hit._id || !source?.signature || !source.bandKeys) return [];
        return [
          {
            articleId: hit._id,
            exactKeys: source.exactKeys ?? [],
            bandKeys: source.bandKeys,
            signature: source.signature,
          },
        ];
      });
    } catch (error) {
      if (error instanceof errors.ResponseError && error.body?.error?.type === 'index_not_found_exception') {
        throw new ServiceError(
          'ELASTICSEARCH_INDEX_MISSING',
          `The alias "${options.index}" does not exist (was the index deleted?); retried until \`sluice setup\` creates it again`,
          { cause: error },
        );
      }
      throw new ServiceError(
        'ELASTICSEARCH_LOOKUP_FAILED',
        `Looking up articles in Elasticsearch failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  };
}
