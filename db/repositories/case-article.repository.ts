import type { Database } from '../connection';

export interface PublishedArticle {
  readonly id: string;
  readonly articleNumber: string;
  readonly title: string;
  readonly content: string;
}

/** Knowledge articles as a case uses them: linked to it, sent to its customer, credited when it is resolved. */
export function createCaseArticleRepository(db: Database) {
  return {
    async findPublished(articleId: string): Promise<PublishedArticle | undefined> {
      const row = await db('knowledge_articles')
        .where({ id: articleId, status: 'published' })
        .first<{ id: string; article_number: string; title: string; content: string } | undefined>('id', 'article_number', 'title', 'content');
      return row && { id: row.id, articleNumber: row.article_number, title: row.title, content: row.content };
    },

    /** Links the article to the case; a repeated link keeps the first link's author and time. */
    async link(caseId: string, articleId: string, linkedByUserId: string | null, linkedAt: string): Promise<void> {
      await db('case_articles')
        .insert({ case_id: caseId, article_id: articleId, linked_by_user_id: linkedByUserId, linked_at: linkedAt })
        .onConflict(['case_id', 'article_id'])
        .ignore();
    },

    /** Records when the article was first sent to the customer; later sends keep that time. */
    async markSent(caseId: string, articleId: string, sentAt: string): Promise<void> {
      await db('case_articles').where({ case_id: caseId, article_id: articleId }).whereNull('sent_at').update({ sent_at: sentAt });
    },

    /** Credits every article linked to the case with one more resolution it helped. */
    async creditResolution(caseId: string): Promise<number> {
      return db('knowledge_articles')
        .whereIn('id', db('case_articles').where({ case_id: caseId }).select('article_id'))
        .increment('resolution_uses', 1);
    },
  };
}

export type CaseArticleRepository = ReturnType<typeof createCaseArticleRepository>;
