import type { InboundMessage } from './message';
import type { ResolvedSender } from './sender';
import { recordOutcome, type StoredMessage } from './stored-message';
import { caseTitle, fit } from './text';
import type { EmailIntakeDependencies, EmailIntakeResult } from './types';

/**
 * Opens a case for the message (mentioning the closed case it follows up, if any); the request id
 * makes a redelivered message find the same case.
 */
export async function openCaseFromMessage(
  deps: Pick<EmailIntakeDependencies, 'cases' | 'emails' | 'logger'>,
  message: InboundMessage,
  stored: StoredMessage,
  who: ResolvedSender,
  closedCase: string | null,
): Promise<EmailIntakeResult> {
  const mention = closedCase ? `Follow-up to ${closedCase}, which is closed.` : '';
  const description = fit([mention, message.text].filter(Boolean).join('\n\n'), stored.attachmentNote);
  const opened = await deps.cases.openCase({
    // Per sender: another sender reusing this Message-ID is another request.
    requestId: `email:${message.from}:${message.messageId}`,
    title: caseTitle(message.mail.subject),
    description,
    customer: { type: 'contact', id: who.sender.contactId },
    channel: 'email',
    priority: 'normal',
    productId: null,
    subject: null,
    openedByUserId: who.userId,
  });
  const caseNumber = opened.state === 'recorded' ? opened.case.caseNumber : opened.caseNumber;
  const result = await recordOutcome(deps.emails, stored, 'opened', caseNumber);
  deps.logger?.info({ caseNumber, messageId: message.messageId, from: message.from }, 'email opened a case');
  return result;
}
