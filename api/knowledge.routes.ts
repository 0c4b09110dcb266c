import type { Server } from 'restify';
import { z } from 'zod';
import { ARTICLE_NUMBER_PATTERN, ARTICLE_STATUSES } from '../db/repositories/knowledge.repository';
import {
  ARTICLE_STATUS_FILTERS,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  MAX_QUERY_CHARS,
  type KnowledgeService,
} from '../services/knowledge.service';
import { defineRoute, registerRoutes, type RouteDefinition } from './route';
import { trimmedAtLeast } from './text.schemas';

const limitMessage = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;
const offsetMessage = 'must be an integer of 0 or more';

export const knowledgeSearchQuery = z.object({
  q: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be given once, as text') })
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`)
    .meta({ pattern: trimmedAtLeast(1).source })
    .describe('Words ("quoted phrases", -excluded, or), or an article number such as KA-01002'),
  productId: z.uuid('must be a UUID').optional().describe('Only articles about this product'),
  status: z
    .enum(ARTICLE_STATUS_FILTERS, `must be one of ${ARTICLE_STATUS_FILTERS.join(', ')}`)
    .optional()
    .describe('published (default); draft or all for agents, supervisors and administrators'),
  limit: z.coerce.number(limitMessage).int(limitMessage).min(1, limitMessage).max(MAX_PAGE_SIZE, limitMessage).default(DEFAULT_PAGE_SIZE),
  offset: z.coerce.number(offsetMessage).int(offsetMessage).min(0, offsetMessage).max(100_000, 'must be at most 100000').default(0),
});

export const articleNumberParams = z.object({
  articleNumber: z.string().regex(ARTICLE_NUMBER_PATTERN, 'must look like KA-01002').meta({ examples: ['KA-01002'] }),
});

const articleHitSchema = z.object({
  id: z.uuid(),
  articleNumber: z.string(),
  title: z.string(),
  keywords: z.string().nullable(),
  productId: z.uuid().nullable(),
  status: z.enum(ARTICLE_STATUSES),
  rank: z.number().describe('1 for an exact article number, otherwise in [0, 1); higher is better'),
  snippet: z.string().describe('HTML-escaped fragments of the content, matched words in <mark>'),
});

const searchResultSchema = z.object({
  items: z.array(articleHitSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

const articleSchema = z.object({
  id: z.uuid(),
  articleNumber: z.string(),
  title: z.string(),
  keywords: z.string().nullable(),
  content: z.string(),
  productId: z.uuid().nullable(),
  status: z.enum(ARTICLE_STATUSES),
  version: z.number().int(),
  views: z.number().int(),
  resolutionUses: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The knowledge-base routes, open to every signed-in role: search, and read one article. */
export function knowledgeRoutes(knowledge: KnowledgeService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/knowledge/articles',
      tag: 'Knowledge',
      summary: 'Search the knowledge base by title, keyword, full text or article number (ranked, as the bot suggests)',
      roles: 'signed-in',
      query: knowledgeSearchQuery,
      responses: { 200: { description: 'Ranked articles, best first, and the total for paging', schema: searchResultSchema } },
      errors: { 403: 'status draft or all, asked by a customer or an operator' },
      handler: async ({ actor, query }) => {
        const { q, productId, status, limit, offset } = query;
        const result = await knowledge.search(actor, { text: q, productId: productId ?? null, ...(status ? { status } : {}), limit, offset });
        return { status: 200, body: result };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/knowledge/articles/{articleNumber}',
      tag: 'Knowledge',
      summary: 'Read one article (counts a view); drafts only for staff',
      roles: 'signed-in',
      params: articleNumberParams,
      responses: { 200: { description: 'The article', schema: articleSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await knowledge.get(actor, params.articleNumber) }),
    }),
  ];
}

/** Registers the knowledge routes on their own (a RouteRegistrar); `knowledgeRoutes` also feeds /openapi.json. */
export function registerKnowledgeRoutes(server: Server, knowledge: KnowledgeService): void {
  registerRoutes(server, knowledgeRoutes(knowledge));
}
