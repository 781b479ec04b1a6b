/**
 * `sluice search`: the query sent to Elasticsearch and the way hits are printed, as pure
 * functions (the command only wires them to the client).
 *
 * The query string is Elasticsearch's simple query syntax: words must all match (in any order,
 * stemmed), `"a phrase"` matches the words in order, `-word` excludes, `a | b` is either.
 */
import type { estypes } from '@elastic/elasticsearch';
import { oneLine } from '../../lib/text.ts';

export interface SearchOptions {
  query: string;
  /** Only articles whose source is this (case-insensitive, exact). */
  source?: string;
  /** Only articles newer than this: `90m`, `2d`, `1w`..., or an ISO date. */
  since?: string;
  /** Hits to return; default 10. */
  limit?: number;
}

/** Highlight markers: pre and post tag around each matched term. */
export interface Marks {
  pre: string;
  post: string;
}

const SEARCHED_FIELDS = ['title^3', 'lead^2', 'body'];
const SHOWN_FIELDS = ['title', 'source', 'timestamp', 'published', 'language', 'wordCount', 'duplicateCount'];

/** Turns `2d` into Elasticsearch date math (`now-2d`); ISO dates pass through; anything else is null. */
export function sinceToDateMath(since: string): string | null {
  if (/^\d+[smhdwMy]$/.test(since)) return `now-${since}`;
  if (
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(since) &&
    !Number.isNaN(Date.parse(since))
  ) {
    return since;
  }
  return null;
}

export function buildSearchRequest(
  index: string,
  options: SearchOptions,
  marks: Marks,
): estypes.SearchRequest {
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (options.source) filter.push({ term: { source: { value: options.source, case_insensitive: true } } });
  if (options.since) {
    const gte = sinceToDateMath(options.since);
    if (!gte)
      throw new RangeError(`since: expected an age like 2d or 90m, or an ISO date, got "${options.since}"`);
    filter.push({ range: { timestamp: { gte } } });
  }
  return {
    index,
    size: options.limit ?? 10,
    track_total_hits: true,
    _source: SHOWN_FIELDS,
    query: {
      bool: {
        must: [
          { simple_query_string: { query: options.query, fields: SEARCHED_FIELDS, default_operator: 'and' } },
        ],
        filter,
      },
    },
    highlight: {
      pre_tags: [marks.pre],
      post_tags: [marks.post],
      fields: {
        title: { number_of_fragments: 0 },
        lead: { fragment_size: 160, number_of_fragments: 1 },
        body: { fragment_size: 160, number_of_fragments: 2 },
      },
    },
  };
}

export interface SearchHit {
  id: string;
  score: number | null;
  title: string;
  source: string | null;
  timestamp: string | null;
  /** Highlighted title when the title matched, else the plain title. */
  highlightedTitle: string;
  /** Highlighted passages of the lead and body, best first. */
  fragments: string[];
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
}

type ShownDocument = { title?: string; source?: string | null; timestamp?: string | null };

export function toSearchResult(response: estypes.SearchResponse<ShownDocument>): SearchResult {
  const total = response.hits.total;
  return {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    hits: response.hits.hits.map((hit) => {
      const document = hit._source ?? {};
      const highlight = hit.highlight ?? {};
      return {
        id: String(hit._id),
        score: hit._score ?? null,
        title: document.title ?? '',
        source: document.source ?? null,
        timestamp: document.timestamp ?? null,
        highlightedTitle: highlight.title?.[0] ?? document.title ?? '',
        // The lead often opens the body too: show such a passage once.
        fragments: [...new Set([...(highlight.lead ?? []), ...(highlight.body ?? [])].map(oneLine))],
      };
    }),
  };
}

/** The hits as people read them: numbered titles, source and date, then the matched passages. */
export function formatSearchResult(result: SearchResult): string {
  if (result.hits.length === 0) return 'No articles match.\n';
  const lines = [
    `${result.total} article${result.total === 1 ? '' : 's'} match; showing ${result.hits.length}.`,
    '',
  ];
  result.hits.forEach((hit, i) => {
    lines.push(`${i + 1}. ${hit.highlightedTitle}`);
    const about = [hit.source ?? 'unknown source', hit.timestamp?.slice(0, 10), `id ${hit.id}`].filter(
      Boolean,
    );
    lines.push(`   ${about.join(' · ')}`);
    for (const fragment of hit.fragments) lines.push(`   … ${fragment} …`);
    lines.push('');
  });
  return `${lines.join('\n')}\n`;
}
