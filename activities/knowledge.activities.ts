import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/connection';
import { createCaseArticleRepository } from '../db/repositories/case-article.repository';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import { createNotificationRepository } from '../db/repositories/notification.repository';
import { failFastOnBadData, isUuid, requireCase } from './support.activities';

export interface LinkArticleInput {
  readonly caseNumber: string;
  readonly articleId: string;
  readonly linkedByUserId: string | null;
  readonly linkedAt: string;
  /** Email the article to the case's customer (and record when it was first sent). */
  readonly sendToCustomer: boolean;
}

export function createKnowledgeActivities(db: Database) {
  return {
    /**
     * Links a published knowledge article to the case and, if asked, emails it to the customer
     * through the outbox, in one transaction. Keyed by (case, article): linking or sending the same
     * article again changes nothing and sends nothing more.
     */
    async linkArticle(input: LinkArticleInput): Promise<void> {
      const notFound = () => ApplicationFailure.nonRetryable(`no published knowledge article ${input.articleId}`, 'ArticleNotFound');
      if (!isUuid(input.articleId)) throw notFound();
      await failFastOnBadData(() =>
        db.transaction(async (trx) => {
          const found = await requireCase(createCaseContextRepository(trx), input.caseNumber);
          const articles = createCaseArticleRepository(trx);
          const article = await articles.findPublished(input.articleId);
          if (!article) throw notFound();
          await articles.link(found.id, article.id, input.linkedByUserId, input.linkedAt);
          if (!input.sendToCustomer) return;
          await articles.markSent(found.id, article.id, input.linkedAt);
          const notifications = createNotificationRepository(trx);
          await notifications.enqueue({
            key: `article:${input.caseNumber}:${article.id}`,
            caseId: found.id,
            kind: 'article_sent',
            // By email and in the customer's bound chat, whatever channel the case came in on.
            channels: ['email', 'bot'],
            recipients: await notifications.resolveRecipients(found, { customer: true }),
            payload: {
              caseNumber: input.caseNumber,
              caseTitle: found.title,
              articleNumber: article.articleNumber,
              title: article.title,
              content: article.content,
            },
          });
        }),
      );
    },
  };
}
