import type { Database } from '../db/connection';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  createNotificationRepository,
  type NotificationAudience,
  type NotificationChannel,
  type NotificationKind,
} from '../db/repositories/notification.repository';
import { failFastOnBadData, invalidInput, isUuid, requireCase } from './support.activities';

export type { NotificationAudience, NotificationChannel, NotificationKind } from '../db/repositories/notification.repository';

export interface EnqueueNotificationInput {
  /** Unique per notification the workflow sends (e.g. `sla-warning:CAS-01000:first_response`). */
  readonly key: string;
  readonly caseNumber: string;
  readonly kind: NotificationKind;
  readonly audience: NotificationAudience;
  readonly channels: readonly NotificationChannel[];
  readonly payload: Record<string, unknown>;
}

/** Rejects what no retry can fix: an unknown kind or channel, ids that are not uuids. */
export function checkNotification(input: Pick<EnqueueNotificationInput, 'key' | 'kind' | 'audience' | 'channels' | 'payload'>): void {
  if (typeof input.key !== 'string' || input.key === '') throw invalidInput('key must be a non-empty string');
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(input.kind)) throw invalidInput(`unknown notification kind ${JSON.stringify(input.kind)}`);
  for (const channel of input.channels) {
    if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(channel)) throw invalidInput(`unknown notification channel ${JSON.stringify(channel)}`);
  }
  const ids = [...(input.audience.userIds ?? []), ...(input.audience.queueId ? [input.audience.queueId] : [])];
  for (const id of ids) if (!isUuid(id)) throw invalidInput(`audience ids must be uuids, got ${JSON.stringify(id)}`);
  if (typeof input.payload !== 'object' || input.payload === null || Array.isArray(input.payload)) throw invalidInput('payload must be an object');
}

export function createNotificationActivities(db: Database) {
  return {
    /**
     * Puts a notification in the outbox for the email and bot channels to deliver. The audience is
     * resolved to people now (queue members, supervisors, the customer) and each (channel,
     * recipient) row is keyed, so a retry inserts nothing new. If the audience itself changed
     * between two attempts (someone joined the queue), the newcomer is added: the key is per
     * recipient, never per call. Returns how many rows this call inserted.
     */
    async enqueueNotification(input: EnqueueNotificationInput): Promise<number> {
      checkNotification(input);
      return failFastOnBadData(async () => {
        const found = await requireCase(createCaseContextRepository(db), input.caseNumber);
        const notifications = createNotificationRepository(db);
        const recipients = await notifications.resolveRecipients(found, input.audience);
        return notifications.enqueue({
          key: input.key,
          caseId: found.id,
          kind: input.kind,
          channels: input.channels,
          recipients,
          payload: input.payload,
        });
      });
    },
  };
}
