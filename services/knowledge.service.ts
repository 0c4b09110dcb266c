import { isStaff, type Actor } from '../domain/actor';
import type { ArticleHit, ArticleStatus, KnowledgeArticle, KnowledgeRepository } from '../db/repositories/knowledge.repository';
import { ForbiddenError, NotFoundError, ValidationError } from './errors';

/** Which articles a search covers: published (the default), drafts, or both. Drafts are for staff. */
export const ARTICLE_STATUS_FILTERS = ['published', 'draft', 'all'] as const;
export type ArticleStatusFilter = (typeof ARTICLE_STATUS_FILTERS)[number];

export const MAX_QUERY_CHARS = 200;
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 50;

export interface KnowledgeSearchQuery {
  /** Words, "phrases", -excluded words, `or`; or an article number such as KA-01002. */
  readonly text: string;
  readonly productId?: string | null;
  readonly status?: ArticleStatusFilter;
  /** 1–50, default 10. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface KnowledgeSearchResult {
  readonly items: readonly ArticleHit[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface KnowledgeServiceDependencies {
  readonly knowledge: KnowledgeRepository;
}

/** Staff (agents, supervisors, administrators) may read drafts; customers, operators and the anonymous bot user may not. */
function maySeeDrafts(actor: Actor | null): boolean {
  return actor !== null && isStaff(actor);
}

/**
 * The knowledge base as every channel uses it. Agents' searches and the bot's self-service
 * suggestions run the same ranked search (DOMAIN.md: every channel gives the same answers).
 */
export function createKnowledgeService(deps: KnowledgeServiceDependencies) {
  /** The one search behind both channels; `text` is already trimmed and not empty. */
  async function find(actor: Actor | null, text: string, query: Omit<KnowledgeSearchQuery, 'text'>): Promise<KnowledgeSearchResult> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new ValidationError(`must be an integer from 1 to ${MAX_PAGE_SIZE}`, 'limit');
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('must be an integer of 0 or more', 'offset');

    const wanted = query.status ?? 'published';
    if (wanted !== 'published' && !maySeeDrafts(actor)) throw new ForbiddenError('draft articles are for agents, supervisors and administrators');
    const status: ArticleStatus | undefined = wanted === 'all' ? undefined : wanted;
    const filter = { text, productId: query.productId ?? null, includeDrafts: wanted !== 'published', ...(status ? { status } : {}) };

    const items = await deps.knowledge.search({ ...filter, limit, offset });
    // A first page that holds everything needs no count.
    const total = offset === 0 && items.length < limit ? items.length : await deps.knowledge.total(filter);
    return { items, total, limit, offset };
  }

  return {
    /** Ranked articles for the caller: published ones, or with `status` drafts too for staff. */
    async search(actor: Actor | null, query: KnowledgeSearchQuery): Promise<KnowledgeSearchResult> {
      const text = query.text.trim();
      if (text === '') throw new ValidationError('must not be empty', 'text');
      if (text.length > MAX_QUERY_CHARS) throw new ValidationError(`must be at most ${MAX_QUERY_CHARS} characters`, 'text');
      return find(actor, text, query);
    },

    /** One article, counted as a view. Unknown, and drafts for anyone but staff: NotFoundError. */
    async get(actor: Actor | null, articleNumber: string): Promise<KnowledgeArticle> {
      const article = await deps.knowledge.findByNumber(articleNumber);
      if (!article || (article.status !== 'published' && !maySeeDrafts(actor))) {
        throw new NotFoundError(`no article ${articleNumber.trim().toUpperCase()}`);
      }
      const views = await deps.knowledge.incrementViews(article.id);
      return { ...article, views: views ?? article.views + 1 };
    },

    /**
     * Published articles that may solve the customer's problem, best first, for the bot to offer
     * before a case is opened: the agents' search, run as an anonymous customer. The text may be a
     * whole description (the repository reads its first 1000 characters); blank text: none.
     */
    async suggestForProblem(text: string, limit = 3): Promise<readonly ArticleHit[]> {
      const trimmed = text.trim();
      if (trimmed === '') return [];
      const result = await find(null, trimmed, { limit: Math.min(Math.max(1, Math.trunc(limit) || 1), MAX_PAGE_SIZE) });
      return result.items;
    },
  };
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
