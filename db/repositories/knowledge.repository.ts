import type { Database } from '../connection';
import { isUuid } from '../../domain/ids';

export const ARTICLE_STATUSES = ['draft', 'published'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** An article number as people type it: KA-01002, ka-01002. */
export const ARTICLE_NUMBER_PATTERN = /^KA-\d{5,}$/i;

export interface ArticleFilter {
  /** What the person typed: words, "quoted phrases", -excluded words, `or`; or an article number. */
  readonly text: string;
  readonly productId?: string | null;
  /** False: published articles only, whatever `status` says. */
  readonly includeDrafts: boolean;
  /** Narrows to one status; omitted: published, and drafts too when `includeDrafts`. */
  readonly status?: ArticleStatus;
}

export interface ArticleSearch extends ArticleFilter {
  readonly limit: number;
  readonly offset: number;
}

export interface ArticleHit {
  readonly id: string;
  readonly articleNumber: string;
  readonly title: string;
  readonly keywords: string | null;
  readonly productId: string | null;
  readonly status: ArticleStatus;
  /** 1 for an exact article number; otherwise in [0, 1), higher is better. */
  readonly rank: number;
  /** Up to two fragments of the content, HTML-escaped, the matched words in `<mark>…</mark>`. */
  readonly snippet: string;
}

export interface KnowledgeArticle {
  readonly id: string;
  readonly articleNumber: string;
  readonly title: string;
  readonly keywords: string | null;
  readonly content: string;
  readonly productId: string | null;
  readonly status: ArticleStatus;
  readonly version: number;
  readonly views: number;
  readonly resolutionUses: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface ArticleRow {
  id: string;
  article_number: string;
  title: string;
  keywords: string | null;
  content: string;
  product_id: string | null;
  status: ArticleStatus;
  version: number;
  views: number;
  resolution_uses: number;
  created_at: Date | string;
  updated_at: Date | string;
}

interface HitRow {
  id: string;
  article_number: string;
  title: string;
  keywords: string | null;
  product_id: string | null;
  status: ArticleStatus;
  rank: number | string;
  snippet: string;
}

/** Longer input (a whole problem description from the bot) is cut here; the first words say most. */
const MAX_TEXT_CHARS = 1_000;
/** At most this many distinct words make up the "any word" query. */
const MAX_ANY_WORDS = 64;


const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MinWords=5, MaxWords=20';

/** Control characters (NUL above all) are not valid in PostgreSQL text; they separate words at best. */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_TEXT_CHARS);
}

/**
 * The words of a websearch query that must not be excluded, joined with `or`: the fallback when no
 * article has every word (a customer's sentence rarely does). Only letters and digits reach the
 * query, so it cannot be malformed.
 */
function anyWordQuery(text: string): string {
  const positive = text.replace(/(^|\s)-("[^"]*"?|\S+)/g, ' ');
  const words = [...new Set(positive.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])]
    .filter((word) => word !== 'or')
    .slice(0, MAX_ANY_WORDS);
  return words.join(' or ');
}

function toIso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function toArticle(row: ArticleRow): KnowledgeArticle {
  return {
    id: row.id,
    articleNumber: row.article_number,
    title: row.title,
    keywords: row.keywords,
    content: row.content,
    productId: row.product_id,
    status: row.status,
    version: Number(row.version),
    views: Number(row.views),
    resolutionUses: Number(row.resolution_uses),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function toHit(row: HitRow): ArticleHit {
  return {
    id: row.id,
    articleNumber: row.article_number,
    title: row.title,
    keywords: row.keywords,
    productId: row.product_id,
    status: row.status,
    rank: Number(row.rank),
    snippet: row.snippet,
  };
}

const ARTICLE_COLUMNS = [
  'id', 'article_number', 'title', 'keywords', 'content', 'product_id', 'status',
  'version', 'views', 'resolution_uses', 'created_at', 'updated_at',
] as const;

/**
 * The knowledge base's only SQL. One ranked full-text search serves agents and the bot's
 * self-service suggestions alike, so both see the same articles in the same order.
 *
 * Matching: every word (websearch_to_tsquery: "phrases", -not, or); when no visible article has
 * them all, any of the non-excluded words. Ranking: ts_rank_cd over the stored, weighted
 * search_vector (title A, keywords B, content C), normalised to [0, 1) (flag 32); an exact article
 * number in the text matches that article with rank 1, ahead of everything. A query with no
 * searchable word (stop words, punctuation) matches nothing.
 */
export function createKnowledgeRepository(db: Database) {
  /** The CTEs and WHERE clause shared by search and total, with their bindings. */
  function matching(filter: ArticleFilter): { sql: string; bindings: (string | number | null)[] } | null {
    const text = cleanText(filter.text);
    const exactNumber = ARTICLE_NUMBER_PATTERN.test(text) ? text.toUpperCase() : null;
    const anyWords = anyWordQuery(text);
    if (exactNumber === null && anyWords === '') return null;
    if (filter.productId !== undefined && filter.productId !== null && !isUuid(filter.productId)) return null;

    const conditions: string[] = [];
    const filterBindings: string[] = [];
    if (!filter.includeDrafts) conditions.push(`a.status = 'published'`);
    if (filter.status !== undefined) {
      conditions.push('a.status = ?');
      filterBindings.push(filter.status);
    }
    if (filter.productId !== undefined && filter.productId !== null) {
      conditions.push('a.product_id = ?');
      filterBindings.push(filter.productId);
    }
    const visible = conditions.length === 0 ? 'true' : conditions.join(' and ');

    const sql = `
      with input as (
        select websearch_to_tsquery('english', ?) as all_words,
               websearch_to_tsquery('english', ?) as any_word,
               ?::text as exact_number
      ),
      chosen as (
        select case
                 when exists (select 1 from knowledge_articles a where ${visible} and a.search_vector @@ i.all_words)
                 then i.all_words else i.any_word
               end as q,
               i.exact_number
          from input i
      )
      select a.id, a.article_number, a.title, a.keywords, a.product_id, a.status, a.content, c.q,
             case when a.article_number = c.exact_number then 1::real
                  else ts_rank_cd(a.search_vector, c.q, 32) end as rank
        from knowledge_articles a cross join chosen c
       where ${visible}
         and (a.search_vector @@ c.q or a.article_number = c.exact_number)`;
    return { sql, bindings: [text, anyWords, exactNumber, ...filterBindings, ...filterBindings] };
  }

  return {
    /** Ranked hits, best first (ties by article number), with a highlighted snippet of the content. */
    async search(query: ArticleSearch): Promise<ArticleHit[]> {
      const match = matching(query);
      if (match === null) return [];
      // The headline is computed for the page's rows only: it reparses the whole content.
      const result = await db.raw<{ rows: HitRow[] }>(
        `select m.id, m.article_number, m.title, m.keywords, m.product_id, m.status, m.rank,
                ts_headline('english',
                            replace(replace(replace(m.content, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                            m.q, '${HEADLINE_OPTIONS}') as snippet
           from (${match.sql}
                  order by rank desc, a.article_number
                  limit ? offset ?) m
          order by m.rank desc, m.article_number`,
        [...match.bindings, query.limit, query.offset],
      );
      return result.rows.map(toHit);
    },

    /** How many articles the search matches in all, for pagination. */
    async total(filter: ArticleFilter): Promise<number> {
      const match = matching(filter);
      if (match === null) return 0;
      const result = await db.raw<{ rows: { n: string | number }[] }>(
        `select count(*) as n from (${match.sql}) m`,
        match.bindings,
      );
      return Number(result.rows[0]?.n ?? 0);
    },

    /** The article with this number (any letter case), whatever its status. */
    async findByNumber(articleNumber: string): Promise<KnowledgeArticle | undefined> {
      const number = articleNumber.trim().toUpperCase();
      if (!ARTICLE_NUMBER_PATTERN.test(number)) return undefined;
      const row = await db('knowledge_articles').where({ article_number: number }).first<ArticleRow | undefined>(ARTICLE_COLUMNS);
      return row && toArticle(row);
    },

    async findById(id: string): Promise<KnowledgeArticle | undefined> {
      if (!isUuid(id)) return undefined;
      const row = await db('knowledge_articles').where({ id }).first<ArticleRow | undefined>(ARTICLE_COLUMNS);
      return row && toArticle(row);
    },

    /** The article with this id if it is published; undefined for a draft or an unknown id. */
    async findPublishedById(id: string): Promise<KnowledgeArticle | undefined> {
      if (!isUuid(id)) return undefined;
      const row = await db('knowledge_articles').where({ id, status: 'published' }).first<ArticleRow | undefined>(ARTICLE_COLUMNS);
      return row && toArticle(row);
    },

    /** Counts one more read of the article; returns its new view count (undefined: no such article). */
    async incrementViews(id: string): Promise<number | undefined> {
      if (!isUuid(id)) return undefined;
      const rows = await db('knowledge_articles').where({ id }).increment('views', 1).returning<{ views: number }[]>('views');
      const row = rows[0];
      return row === undefined ? undefined : Number(row.views);
    },
  };
}

export type KnowledgeRepository = ReturnType<typeof createKnowledgeRepository>;
