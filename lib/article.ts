/**
 * The article: what extraction produces, deduplication fingerprints and indexing stores. This
 * schema is its one definition: the type, the validation of job payloads (lib/queues.ts) and the
 * field order of printed articles (`sluice extract`) all come from it.
 */
import { z } from 'zod';

export const articleSchema = z.object({
  title: z.string(),
  /** Standfirst/summary paragraph when the page has one, else null. */
  lead: z.string().nullable(),
  /** Clean body text; paragraphs separated by one blank line. */
  body: z.string(),
  /** Outlet named on the page ("Time of India"), else null. */
  source: z.string().nullable(),
  /** Publish time as the page wrote it ("2 hours ago", "July 26, 2025"), else null. */
  published: z.string().nullable(),
  /** `published` resolved to ISO 8601 (relative times against the capture time), else null. */
  publishedAt: z.string().nullable(),
  /** True for the page's main article; exactly one per page that has any. */
  primary: z.boolean(),
  /** ISO 639-1 code when detected, else null. */
  language: z.string().nullable(),
  wordCount: z.number().int().min(0),
});

export type Article = z.infer<typeof articleSchema>;

/** The article's fields in their documented order. */
export const ARTICLE_FIELDS = Object.keys(articleSchema.shape) as ReadonlyArray<keyof Article>;

/** The article with its fields in the documented order, whatever order a reader built them in. */
export function orderedArticle(article: Article): Article {
  return Object.fromEntries(ARTICLE_FIELDS.map((field) => [field, article[field]])) as Article;
}
