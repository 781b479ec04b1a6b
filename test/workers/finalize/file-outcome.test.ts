import { describe, expect, it } from 'vitest';
import { fileOutcome } from '../../../workers/finalize/file-outcome.ts';

describe('fileOutcome', () => {
  it('is done when every article is in, counting the new documents', () => {
    expect(fileOutcome([{ created: true }, { created: false }, { created: true }])).toEqual({
      status: 'done',
      articles: 3,
      newArticles: 2,
    });
  });

  it('is failed when any article was refused, naming how many and the first reason', () => {
    const outcome = fileOutcome([
      { created: true },
      { failure: { code: 'ELASTICSEARCH_REJECTED', message: 'mapper_parsing_exception' } },
      { failure: { code: 'ELASTICSEARCH_CONFLICT', message: 'too hot' } },
    ]);
    expect(outcome).toEqual({
      status: 'failed',
      failure: {
        code: 'ELASTICSEARCH_REJECTED',
        message: '2 of 3 articles failed; first: mapper_parsing_exception',
        stage: 'index',
      },
      articles: 3,
      newArticles: 1,
    });
  });
});
