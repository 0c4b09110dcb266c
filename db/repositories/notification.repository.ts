import type { Database } from '../connection';

export const NOTIFICATION_KINDS = [
  'sla_warning',
  'sla_failure',
  'case_flagged',
  'survey',
  'agent_reply',
  'status_change',
  'article_sent',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['email', 'bot'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Who should hear about something, as the workflow knows it; resolved to people when enqueued. */
export interface NotificationAudience {
  readonly userIds?: readonly string[];
  /** Every member of this queue. */
  readonly queueId?: string | null;
  /** Every user with the supervisor role. */
  readonly supervisors?: boolean;
  /** The case's customer: its contact (with the contact's sign-in user, if any), or the account. */
  readonly customer?: boolean;
}

/** A concrete recipient: a user (reachable by bot), an address (reachable by email), or both. */
export interface Recipient {
  readonly userId: string | null;
  readonly email: string | null;
}

export interface OutboxEntry {
  /** The caller's key for this one notification; each row's key adds the channel and the recipient. */
  readonly key: string;
  readonly caseId: string | null;
  readonly kind: NotificationKind;
  readonly channels: readonly NotificationChannel[];
  readonly recipients: readonly Recipient[];
  readonly payload: Readonly<Record<string, unknown>>;
}

/** The notifications outbox: rows written with the change they report, delivered later by the channels. */
export function createNotificationRepository(db: Database) {
  return {
    /**
     * The audience's recipients as of now, without duplicates (a supervisor who is also a queue
     * member is notified once). Staff come first, in id order, then the customer.
     */
    async resolveRecipients(
      customer: { readonly contactId: string | null; readonly accountId: string | null },
      audience: NotificationAudience,
    ): Promise<Recipient[]> {
      const recipients: Recipient[] = [];
      const userIds = audience.userIds ?? [];
      const queueId = audience.queueId ?? null;
      if (userIds.length > 0 || queueId !== null || audience.supervisors) {
        const users = await db('users')
          .where((q) => {
            if (userIds.length > 0) q.orWhereIn('id', [...userIds]);
            if (queueId !== null) q.orWhereIn('id', db('queue_members').where({ queue_id: queueId }).select('user_id'));
            if (audience.supervisors) q.orWhere('role', 'supervisor');
          })
          .orderBy('id')
          .select<{ id: string; email: string }[]>('id', 'email');
        recipients.push(...users.map((u) => ({ userId: u.id, email: u.email })));
      }
      if (audience.customer) {
        if (customer.contactId !== null) {
          const contact = await db('contacts as c')
            .leftJoin('users as u', 'u.contact_id', 'c.id')
            .where('c.id', customer.contactId)
            .first<{ email: string | null; user_id: string | null } | undefined>('c.email', 'u.id as user_id');
          if (contact) recipients.push({ userId: contact.user_id, email: contact.email });
        } else if (customer.accountId !== null) {
          const account = await db('accounts').where({ id: customer.accountId }).first<{ email: string | null } | undefined>('email');
          if (account) recipients.push({ userId: null, email: account.email });
        }
      }
      const seen = new Set<string>();
      return recipients.filter((r) => {
        const identity = r.userId ?? r.email?.toLowerCase();
        if (identity === undefined || seen.has(identity)) return false;
        seen.add(identity);
        return true;
      });
    },

    /**
     * One row per recipient per channel the recipient can be reached on (email needs an address,
     * bot a user), keyed `${key}:${channel}:${userId ?? email}`. Rows already there are left alone,
     * so a retry inserts nothing. Returns how many rows this call inserted.
     */
    async enqueue(entry: OutboxEntry): Promise<number> {
      const rows = [...new Set(entry.channels)].flatMap((channel) =>
        entry.recipients
          .filter((r) => (channel === 'email' ? r.email !== null : r.userId !== null))
          .map((r) => ({
            idempotency_key: `${entry.key}:${channel}:${r.userId ?? r.email}`,
            case_id: entry.caseId,
            kind: entry.kind,
            channel,
            recipient_user_id: r.userId,
            recipient_email: channel === 'email' ? r.email : null,
            payload: JSON.stringify(entry.payload),
          })),
      );
      if (rows.length === 0) return 0;
      const inserted = await db('notifications').insert(rows).onConflict('idempotency_key').ignore().returning('id');
      return inserted.length;
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
