import type { Attachment } from 'botbuilder';
import type { ArticleHit } from '../../db/repositories/knowledge.repository';
import { card, submit, text, type CardElement } from './adaptive-card';

function plain(snippet: string): string {
  return snippet
    .replace(/<\/?mark>/g, '**')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Knowledge articles; for an agent working a case, each with "Send to customer". */
export function articlesCard(heading: string, hits: readonly ArticleHit[], sendFor?: string): Attachment {
  const body: CardElement[] = [text(heading, { weight: 'Bolder' })];
  for (const hit of hits) {
    body.push({
      type: 'Container',
      separator: true,
      items: [text(`${hit.articleNumber} · ${hit.title}`, { weight: 'Bolder' }), text(plain(hit.snippet), { isSubtle: true, spacing: 'Small' })],
    });
    if (sendFor) body.push({ type: 'ActionSet', actions: [submit(`Send ${hit.articleNumber} to the customer`, { action: 'sendArticle', caseNumber: sendFor, articleNumber: hit.articleNumber })] });
  }
  return card(body);
}
