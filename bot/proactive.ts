import type { Activity, CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import { payloadOf, type ClaimedNotification, type NotificationOutbox } from '../db/repositories/notification-outbox.repository';
import type { UserAccountStatusRepository } from '../db/repositories/user.repository';
import { startOutboxLoop } from '../services/outbox-loop';
import { surveyCard } from './cards/survey-card';
import type { ConversationReferences } from './conversation-references';

const str = (payload: Record<string, unknown>, key: string): string => (typeof payload[key] === 'string' ? payload[key] : '');

/** "in 5 min (14:23 UTC)", "in 2 h 10 min (16:33 UTC)", "now (14:23 UTC)": a deadline as people read it in chat. */
export function dueInWords(dueAt: string, now: Date): string {
  const due = new Date(dueAt);
  if (Number.isNaN(due.getTime())) return 'soon';
  const clock = `${due.toISOString().slice(11, 16)} UTC${due.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? '' : ` on ${due.toISOString().slice(0, 10)}`}`;
  const minutes = Math.round((due.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return `now (${clock})`;
  const hours = Math.floor(minutes / 60);
  return `in ${hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`} (${clock})`;
}

/** The chat message for one notification of the outbox. */
export function notificationActivity(kind: string, caseNumber: string, caseTitle: string, payload: Record<string, unknown>, now: Date = new Date()): Partial<Activity> {
  const about = `${caseNumber}${caseTitle ? ` (${caseTitle})` : ''}`;
  switch (kind) {
    case 'survey':
      return { type: 'message', text: `Your case ${about} is resolved. Would you tell us how we did?`, attachments: [surveyCard(caseNumber, caseTitle)] };
    case 'agent_reply':
      return { type: 'message', text: `${str(payload, 'from') || 'Your agent'} replied on ${about}:\n\n${str(payload, 'text')}` };
    case 'sla_warning': {
      const due = str(payload, 'dueAt');
      const what = str(payload, 'kpi') === 'first_response' ? 'first response' : 'resolution';
      const when = due ? dueInWords(due, now) : 'soon';
      return { type: 'message', text: `⚠️ SLA warning on ${about}: the ${what} is due ${when}. Type "show ${caseNumber}" to work it.` };
    }
    case 'sla_failure':
      return { type: 'message', text: `🚨 SLA failed on ${about}: ${str(payload, 'message')}.` };
    case 'case_flagged':
      return { type: 'message', text: `🏳️ ${about} was opened without a usable entitlement (${str(payload, 'reason')}): please review it.` };
    case 'article_sent':
      return { type: 'message', text: `An article for ${about}: ${str(payload, 'articleNumber')} ${str(payload, 'title')}` };
    case 'status_change': {
      const status = str(payload, 'status');
      if (status === 'customer_note') return { type: 'message', text: `The customer added information to ${about}:\n\n${str(payload, 'text')}` };
      if (status === 'accepted') return { type: 'message', text: `${str(payload, 'agent') || 'An agent'} is now working on ${about}.` };
      if (status === 'waiting_for_customer') return { type: 'message', text: `We need something from you on ${about}${str(payload, 'reason') ? `: ${str(payload, 'reason')}` : '.'} Type "add info ${caseNumber}: …" to answer.` };
      if (status === 'on_hold') return { type: 'message', text: `Work on ${about} is paused for now; we will tell you when it goes on.` };
      if (status === 'resumed') return { type: 'message', text: `We are working on ${about} again.` };
      if (status === 'transferred') return { type: 'message', text: `${about} moved to the team best placed to help; they will be in touch.` };
      if (status === 'resolved') return { type: 'message', text: `${about} is resolved:\n\n${str(payload, 'text')}\n\nIf it is not solved, type "reopen ${caseNumber}".` };
      return { type: 'message', text: `${about} is now ${status.replaceAll('_', ' ')}${str(payload, 'reason') ? `: ${str(payload, 'reason')}` : ''}.` };
    }
    default:
      return { type: 'message', text: `Update on ${about}.` };
  }
}

export interface BotDeliveryOptions {
  /** The notification outbox, whose rows for the bot channel this delivers. */
  readonly outbox: Pick<NotificationOutbox, 'claim' | 'delivered' | 'failed'>;
  readonly adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  /** The bot's app id ('' without credentials). */
  readonly appId: string;
  readonly references: Pick<ConversationReferences, 'listByUserId'>;
  /** A disabled recipient gets nothing in chat (the notification is given up at once, with the reason). */
  readonly accounts: Pick<UserAccountStatusRepository, 'findAccountStatus'>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** A user who has never chatted gets nothing in chat: give up after this many tries (email still reaches them). */
  readonly maxAttempts?: number;
}

/**
 * Proactive messages: delivers the outbox rows whose channel is the bot to every conversation the
 * recipient has with the bot (stored references, allow-listed service URLs only), through the
 * adapter's continueConversation. Runs in processes that host the bot (server, all-in-one).
 */
/** A notification that no retry will deliver. */
class Undeliverable extends Error {}

export function createBotDelivery(options: BotDeliveryOptions) {
  const { outbox } = options;
  const maxAttempts = options.maxAttempts ?? 5;

  async function deliver(row: ClaimedNotification): Promise<void> {
    if (!row.recipient_user_id) throw new Error('a chat notification without a user');
    if ((await options.accounts.findAccountStatus(row.recipient_user_id))?.disabled) throw new Undeliverable('the recipient\'s account is disabled: nothing is sent to it in chat');
    const references = await options.references.listByUserId(row.recipient_user_id);
    if (references.length === 0) throw new Error('the user has no conversation with the bot yet');
    const payload = payloadOf(row);
    const activity = notificationActivity(row.kind, row.case_number ?? str(payload, 'caseNumber'), row.case_title ?? str(payload, 'title'), payload);
    for (const { reference } of references) {
      await options.adapter.continueConversationAsync(options.appId, reference, async (context) => {
        await context.sendActivity(activity);
      });
    }
  }

  return {
    async deliverPending(limit = 20): Promise<{ delivered: number; failed: number }> {
      const rows = await outbox.claim('bot', limit, 60_000, maxAttempts);
      let delivered = 0;
      let failed = 0;
      for (const row of rows) {
        try {
          await deliver(row);
          await outbox.delivered(row);
          delivered++;
        } catch (error) {
          failed++;
          const gaveUp = await outbox.failed(row, error, maxAttempts, error instanceof Undeliverable);
          options.logger[gaveUp ? 'warn' : 'info']({ notificationId: row.id, err: (error as Error).message }, gaveUp ? 'chat notification given up' : 'chat notification will be retried');
        }
      }
      if (delivered > 0) options.logger.info({ delivered }, 'chat notifications delivered');
      return { delivered, failed };
    },
  };
}

export function startBotDeliveryLoop(delivery: ReturnType<typeof createBotDelivery>, logger: Pick<Logger, 'error'>, intervalMs = 2_000) {
  return startOutboxLoop({ name: 'chat delivery', delivery, logger, intervalMs });
}
