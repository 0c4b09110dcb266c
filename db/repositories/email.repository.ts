import { createHash } from 'node:crypto';
import type { Database } from '../connection';

export type EmailDirection = 'inbound' | 'outbound';

/** What the intake did with an inbound message; null while it is being processed. */
export type EmailOutcome = 'opened' | 'appended';

/** A stored message as the intake looks it up by Message-ID. */
export interface EmailMessageRecord {
  readonly id: string;
  readonly direction: EmailDirection;
  readonly outcome: EmailOutcome | null;
  readonly caseNumber: string | null;
}

/** An inbound message as the intake stores it, before it knows which case it goes to. */
export interface InboundEmail {
  readonly messageId: string;
  readonly fromAddress: string;
  readonly toAddresses: readonly string[];
  readonly subject: string;
  readonly textBody: string;
  readonly inReplyTo: string | null;
  /** The message's Date header; null: the time it is stored. */
  readonly receivedAt: Date | null;
}

/** An attachment to store with its message (size and SHA-256 are computed from the content). */
export interface EmailAttachmentFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** A message we sent (a delivered notification), kept so that a reply naming it threads to the case. */
export interface OutboundEmail {
  readonly messageId: string;
  readonly caseId: string | null;
  readonly caseNumber: string | null;
  readonly notificationId: string;
  readonly fromAddress: string;
  readonly toAddresses: readonly string[];
  readonly subject: string;
  readonly textBody: string;
}

/** Longest stored attachment file name. */
const MAX_FILENAME = 255;

/**
 * Email messages, inbound and outbound, with the attachments of inbound ones. One row per
 * Message-ID and sender (a unique key): a message delivered twice is stored once, and a sender
 * cannot take over another sender's message by reusing its Message-ID.
 */
export function createEmailRepository(db: Database) {
  return {
    /**
     * The message with this Message-ID from this sender, or one we sent with it (a reply coming back
     * to us). Another sender's message with the same Message-ID is a different message.
     */
    async findByMessageId(messageId: string, fromAddress: string): Promise<EmailMessageRecord | undefined> {
      const row = await db('email_messages')
        .where({ message_id: messageId })
        .andWhere((q) => q.where({ from_address: fromAddress }).orWhere({ direction: 'outbound' }))
        .orderByRaw("direction = 'outbound' desc")
        .first<{ id: string; direction: EmailDirection; outcome: EmailOutcome | null; case_number: string | null } | undefined>('id', 'direction', 'outcome', 'case_number');
      return row && { id: row.id, direction: row.direction, outcome: row.outcome, caseNumber: row.case_number };
    },

    /** The case numbers of the stored messages among these Message-IDs (those that have one). */
    async caseNumbersOf(messageIds: readonly string[]): Promise<string[]> {
      return db('email_messages').whereIn('message_id', messageIds).whereNotNull('case_number').pluck<string[]>('case_number');
    },

    /**
     * Writes an inbound message and its attachments once, in one transaction; returns the row's id
     * (an earlier attempt's row, attachments and all, if there is one).
     */
    async storeInbound(message: InboundEmail, attachments: readonly EmailAttachmentFile[]): Promise<string> {
      return db.transaction(async (trx) => {
        const inserted = await trx('email_messages')
          .insert({
            message_id: message.messageId,
            direction: 'inbound',
            from_address: message.fromAddress,
            to_addresses: JSON.stringify(message.toAddresses),
            subject: message.subject,
            text_body: message.textBody,
            in_reply_to: message.inReplyTo,
            received_at: message.receivedAt ?? trx.fn.now(),
          })
          .onConflict(['message_id', 'from_address'])
          .ignore()
          .returning<{ id: string }[]>('id');
        if (inserted[0]) {
          const emailMessageId = inserted[0].id;
          for (const file of attachments) {
            await trx('attachments').insert({
              email_message_id: emailMessageId,
              filename: file.filename.slice(0, MAX_FILENAME),
              content_type: file.contentType,
              size_bytes: file.content.length,
              sha256: createHash('sha256').update(file.content).digest('hex'),
              content: file.content,
            });
          }
          return emailMessageId;
        }
        const existing = await trx('email_messages').where({ message_id: message.messageId, from_address: message.fromAddress }).first<{ id: string }>('id');
        return existing.id;
      });
    },

    /** What became of an inbound message: the case it opened or was added to, on the message and its attachments. */
    async recordOutcome(emailMessageId: string, outcome: EmailOutcome, caseNumber: string): Promise<void> {
      const caseId = db('cases').where({ case_number: caseNumber }).select('id');
      await db.transaction(async (trx) => {
        await trx('email_messages').where({ id: emailMessageId }).update({ outcome, case_number: caseNumber, case_id: caseId });
        await trx('attachments').where({ email_message_id: emailMessageId }).update({ case_id: caseId });
      });
    },

    /** Keeps a sent message on record, once per Message-ID (a repeated delivery writes nothing). */
    async recordOutbound(message: OutboundEmail): Promise<void> {
      await db('email_messages')
        .insert({
          message_id: message.messageId,
          direction: 'outbound',
          case_id: message.caseId,
          case_number: message.caseNumber,
          notification_id: message.notificationId,
          from_address: message.fromAddress,
          to_addresses: JSON.stringify(message.toAddresses),
          subject: message.subject,
          text_body: message.textBody,
        })
        .onConflict(['message_id', 'from_address'])
        .ignore();
    },
  };
}

export type EmailRepository = ReturnType<typeof createEmailRepository>;
