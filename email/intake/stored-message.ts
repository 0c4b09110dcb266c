import { describeAttachments, planAttachments } from './attachments';
import { addresses, type InboundMessage } from './message';
import type { EmailIntakeDependencies, EmailIntakeLimits, EmailIntakeResult } from './types';

/** The message's row, once stored: what its outcome is recorded on, and the attachment lines for the case. */
export interface StoredMessage {
  /** The stored row's id. */
  readonly rowId: string;
  /** The Message-ID (or the synthetic one). */
  readonly messageId: string;
  /** Whether an earlier delivery of the message was seen (and stored). */
  readonly redelivered: boolean;
  /** What the case note says about the attachments, stored or not. */
  readonly attachmentNote: string;
}

type Emails = EmailIntakeDependencies['emails'];

/** Writes the message and its attachments once (an earlier attempt's row if there is one). */
export async function storeMessage(emails: Emails, message: InboundMessage, limits: EmailIntakeLimits, redelivered: boolean): Promise<StoredMessage> {
  const { mail } = message;
  const plan = planAttachments(mail, limits);
  const rowId = await emails.storeInbound(
    {
      messageId: message.messageId,
      fromAddress: message.from,
      toAddresses: addresses(mail.to),
      subject: mail.subject ?? '',
      textBody: message.text,
      inReplyTo: mail.inReplyTo ?? null,
      receivedAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    },
    plan.stored,
  );
  return { rowId, messageId: message.messageId, redelivered, attachmentNote: describeAttachments(plan) };
}

/** Records what the message did (opened or added to a case), so a redelivery answers the same. */
export async function recordOutcome(emails: Emails, stored: StoredMessage, kind: 'opened' | 'appended', caseNumber: string): Promise<EmailIntakeResult> {
  await emails.recordOutcome(stored.rowId, kind, caseNumber);
  return { kind, caseNumber, messageId: stored.messageId, redelivered: stored.redelivered };
}
