import type { Database } from '../connection';
import { createEmailRepository, type OutboundEmail } from './email.repository';

/** A notification claimed for delivery, with what every channel needs to render it. */
export interface ClaimedNotification {
  id: string;
  case_id: string | null;
  kind: string;
  recipient_email: string | null;
  recipient_user_id: string | null;
  payload: Record<string, unknown> | string;
  attempts: number;
  case_number: string | null;
  case_title: string | null;
  recipient_role: string | null;
}

/**
 * The `notifications` outbox as the delivering channels see it. Several processes may deliver at
 * once: a batch is claimed with `for update skip locked` and leased (its `next_attempt_at` moves
 * ahead by the lease), so two processes never take the same row, and one that dies mid-batch
 * leaves rows that another picks up when the lease runs out.
 */
function markDelivered(trx: Database, row: ClaimedNotification) {
  return trx('notifications')
    .where({ id: row.id })
    .whereNull('delivered_at')
    .update({ delivered_at: trx.fn.now(), attempts: row.attempts + 1, last_error: null, next_attempt_at: null });
}

export function createNotificationOutbox(db: Database) {
  return {
    async claim(channel: 'email' | 'bot', limit: number, leaseMs: number, maxAttempts: number): Promise<ClaimedNotification[]> {
      const result = await db.raw<{ rows: ClaimedNotification[] }>(
        `with claimed as (
           update notifications n
              set next_attempt_at = now() + ?::interval
            where n.id in (
                    select id from notifications
                     where channel = ? and delivered_at is null and attempts < ?
                       and (next_attempt_at is null or next_attempt_at <= now())
                     order by created_at, id
                     limit ?
                     for update skip locked)
           returning n.id, n.case_id, n.kind, n.recipient_email, n.recipient_user_id, n.payload, n.attempts, n.created_at)
         select c.id, c.case_id, c.kind, c.recipient_email, c.recipient_user_id, c.payload, c.attempts,
                k.case_number, k.title as case_title, u.role as recipient_role
           from claimed c
           left join cases k on k.id = c.case_id
           left join users u on u.id = c.recipient_user_id
          order by c.created_at, c.id`,
        [`${leaseMs} milliseconds`, channel, maxAttempts, limit],
      );
      return result.rows;
    },

    /** Records a delivery. */
    async delivered(row: ClaimedNotification): Promise<void> {
      await markDelivered(db, row);
    },

    /** Records an email's delivery and keeps the sent message on record, in one transaction. */
    async deliveredEmail(row: ClaimedNotification, message: OutboundEmail): Promise<void> {
      await db.transaction(async (trx) => {
        await markDelivered(trx, row);
        await createEmailRepository(trx).recordOutbound(message);
      });
    },

    /** Records a failed attempt; retried after a growing delay (30 s, 1 min … 1 h) until `maxAttempts`. Returns true when given up. */
    async failed(row: ClaimedNotification, error: unknown, maxAttempts: number, permanent = false): Promise<boolean> {
      const attempts = permanent ? Math.max(maxAttempts, row.attempts + 1) : row.attempts + 1;
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
      const delayMs = Math.min(30_000 * 2 ** row.attempts, 60 * 60_000);
      await db('notifications')
        .where({ id: row.id })
        .update({ attempts, last_error: message, next_attempt_at: db.raw('now() + ?::interval', [`${delayMs} milliseconds`]) });
      return attempts >= maxAttempts;
    },
  };
}

export type NotificationOutbox = ReturnType<typeof createNotificationOutbox>;

export function payloadOf(row: ClaimedNotification): Record<string, unknown> {
  return typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload;
}
