/**
 * The finalize stage's decision, pure: a file whose articles are all in is done; one with any
 * article refused for good is failed, naming how many and the first reason (its other articles
 * stay indexed). Settling it — the move and the ledger — is `settleFile` (lib/inbox.ts).
 */
import type { FileOutcome } from '../../lib/inbox.ts';

/** What the index stage reports per article (workers/index/index-articles.ts has the same shape). */
export type IndexedArticle = { created: boolean } | { failure: { code: string; message: string } };

export function fileOutcome(results: readonly IndexedArticle[]): FileOutcome {
  const counts = {
    articles: results.length,
    newArticles: results.filter((result) => 'created' in result && result.created).length,
  };
  const failures = results.flatMap((result) => ('failure' in result ? [result.failure] : []));
  const [first] = failures;
  if (!first) return { status: 'done', ...counts };
  return {
    status: 'failed',
    failure: {
      code: first.code,
      message: `${failures.length} of ${results.length} articles failed; first: ${first.message}`,
      stage: 'index',
    },
    ...counts,
  };
}
