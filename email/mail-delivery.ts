import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Logger } from 'pino';
import { payloadOf, type ClaimedNotification, type NotificationOutbox } from '../db/repositories/notification-outbox.repository';
import { startOutboxLoop } from '../services/outbox-loop';

/**
 * The outbound mail channel: delivers the `notifications` outbox rows whose channel is email.
 *
 * Several processes may run it at once: a batch is claimed with `for update skip locked` and leased
 * (its `next_attempt_at` moves ahead by the lease), so two workers never take the same row and a
 * worker that dies mid-batch leaves rows that another picks up when the lease runs out. Delivery is
 * at least once: a crash between sending and recording may send one message twice, with the same
 * Message-ID (so mail clients collapse it). A failure is retried with a growing delay; after
 * `maxAttempts` (or a permanent 5xx refusal from the relay) the row is given up on, its
 * `last_error` saying why.
 *
 * Every subject carries the case number as `[CAS-01000]`, so a reply threads back to the case
 * through the email intake.
 */

export type MailTransportSetting = 'outbox' | { readonly relayUrl: string };

export interface MailDeliveryOptions {
  /** The notification outbox the email rows are claimed from. */
  readonly outbox: NotificationOutbox;
  /** `outbox`: each message is written to `outboxDir` as an .eml file (development); else sent through the relay. */
  readonly transport: MailTransportSetting;
  readonly from: string;
  readonly outboxDir: string;
  /** Where links to the case point (staff notifications). */
  readonly publicBaseUrl: string;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Give up on a row after this many failed attempts; default 10. */
  readonly maxAttempts?: number;
  /** How long a claimed row is reserved for the worker that claimed it; default 5 minutes. */
  readonly leaseMs?: number;
}

export interface DeliveryReport {
  readonly delivered: number;
  readonly failed: number;
  /** Rows given up on by this run (attempts exhausted or refused permanently). */
  readonly gaveUp: number;
}

export interface MailDelivery {
  /** Claims up to `limit` undelivered email notifications and sends them. */
  deliverPending(limit?: number): Promise<DeliveryReport>;
  /** Closes the relay connection, if any. */
  close(): void;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
}

export interface NotificationToRender {
  /** A NotificationKind; anything else is rendered generically. */
  readonly kind: string;
  readonly caseNumber: string | null;
  readonly caseTitle: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Staff get a link to the case; customers are told how to reply to it. */
  readonly toStaff: boolean;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

export function createMailDelivery(options: MailDeliveryOptions): MailDelivery {
  const { logger } = options;
  const { outbox } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const domain = options.from.split('@')[1] ?? 'caseflow.local';

  const relay = options.transport === 'outbox' ? null : nodemailer.createTransport(options.transport.relayUrl);
  const stream = options.transport === 'outbox' ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }) : null;

  async function send(id: string, message: Mail.Options): Promise<void> {
    if (relay) {
      await relay.sendMail(message);
      return;
    }
    const info = await stream!.sendMail(message);
    // `buffer: true` makes the stream transport hand the whole message over as a Buffer.
    if (!Buffer.isBuffer(info.message)) throw new Error('the stream transport returned no buffer');
    const content = info.message;
    await mkdir(options.outboxDir, { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
    // Written aside, then renamed: whoever reads the outbox never sees half a message.
    const temporary = join(options.outboxDir, `.${name}.tmp`);
    await writeFile(temporary, content);
    await rename(temporary, join(options.outboxDir, name));
  }

  async function failed(row: ClaimedNotification, error: unknown): Promise<boolean> {
    const responseCode = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : NaN;
    const gaveUp = await outbox.failed(row, error, maxAttempts, responseCode >= 500 && responseCode < 600);
    const message = error instanceof Error ? error.message : String(error);
    if (gaveUp) logger.error({ notificationId: row.id, err: message }, 'email notification given up');
    else logger.warn({ notificationId: row.id, err: message }, 'email notification failed; will retry');
    return gaveUp;
  }

  return {
    async deliverPending(limit = 20) {
      const rows = await outbox.claim('email', limit, leaseMs, maxAttempts);
      let sent = 0;
      let failures = 0;
      let gaveUp = 0;
      for (const row of rows) {
        try {
          const payload = payloadOf(row);
          const caseNumber = typeof payload.caseNumber === 'string' ? payload.caseNumber : row.case_number;
          const rendered = renderNotificationEmail(
            { kind: row.kind, caseNumber, caseTitle: row.case_title, payload, toStaff: row.recipient_role !== null && row.recipient_role !== 'customer' },
            options.publicBaseUrl,
          );
          if (!row.recipient_email) throw new Error('an email notification without an address');
          const recipient = row.recipient_email;
          const message = {
            from: options.from,
            to: recipient,
            subject: rendered.subject,
            text: rendered.text,
            messageId: `<notification.${row.id}@${domain}>`,
            headers: {
              'Auto-Submitted': row.kind === 'agent_reply' || row.kind === 'article_sent' ? 'no' : 'auto-generated',
              'X-Caseflow-Notification': row.id,
              ...(caseNumber ? { 'X-Caseflow-Case': caseNumber } : {}),
            },
          };
          await send(row.id, message);
          // The sent message is on record, so a reply naming it (In-Reply-To) threads to the case too.
          await outbox.deliveredEmail(row, {
            messageId: message.messageId,
            caseId: row.case_id,
            caseNumber,
            notificationId: row.id,
            fromAddress: options.from,
            toAddresses: [recipient],
            subject: rendered.subject,
            textBody: rendered.text,
          });
          sent++;
        } catch (error) {
          failures++;
          if (await failed(row, error)) gaveUp++;
        }
      }
      if (sent > 0) logger.info({ delivered: sent }, 'email notifications delivered');
      return { delivered: sent, failed: failures, gaveUp };
    },
    close() {
      relay?.close();
      stream?.close();
    },
  };
}

export interface MailDeliveryLoopOptions {
  readonly delivery: Pick<MailDelivery, 'deliverPending'>;
  /** Pause between polls when the outbox is empty; default 5 s. */
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly logger: Pick<Logger, 'error'>;
}

/** Polls the outbox until stopped; a full batch is followed at once by the next. stop() waits for the batch in flight. */
export function startMailDeliveryLoop(options: MailDeliveryLoopOptions): { stop(): Promise<void> } {
  return startOutboxLoop({ name: 'email delivery', ...options });
}

// ---- rendering -------------------------------------------------------------------------------

const KPI_LABELS: Record<string, string> = { first_response: 'first response', resolve: 'resolution' };

function str(payload: Readonly<Record<string, unknown>>, key: string): string {
  const value = payload[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** Subject and plain text of a notification email; the subject starts with `[CAS-01000]` when there is a case. */
export function renderNotificationEmail(notification: NotificationToRender, publicBaseUrl: string): RenderedEmail {
  const { payload, caseNumber } = notification;
  const caseTitle = notification.kind === 'article_sent' ? str(payload, 'caseTitle') || notification.caseTitle || '' : str(payload, 'title') || notification.caseTitle || '';
  const tag = caseNumber ? `[${caseNumber}] ` : '';
  const caseLink = caseNumber ? `${publicBaseUrl.replace(/\/$/, '')}/cases/${caseNumber}` : '';
  const replyHint = caseNumber ? `Reply to this email to add information to case ${caseNumber}; keep [${caseNumber}] in the subject.` : '';
  const footer = notification.toStaff ? (caseLink ? `Open the case: ${caseLink}` : '') : replyHint;
  const kpi = KPI_LABELS[str(payload, 'kpi')] ?? str(payload, 'kpi');
  const about = caseNumber && caseTitle ? `Case ${caseNumber}: ${caseTitle}` : caseTitle;

  let subject: string;
  let body: string[];
  switch (notification.kind) {
    case 'sla_warning':
      subject = `SLA warning: ${kpi || 'deadline'} due soon - ${caseTitle}`;
      body = [about, str(payload, 'message') || `The ${kpi} deadline is near.`, str(payload, 'dueAt') ? `Due: ${str(payload, 'dueAt')}` : '', footer];
      break;
    case 'sla_failure':
      subject = `SLA failed: ${kpi || 'deadline'} - ${caseTitle}`;
      body = [about, str(payload, 'message') || `The ${kpi} SLA has failed.`, footer];
      break;
    case 'case_flagged':
      subject = `Case flagged: ${str(payload, 'reason') || 'needs attention'} - ${caseTitle}`;
      body = [about, `The case was flagged for a supervisor: ${str(payload, 'reason') || 'no reason given'}.`, footer];
      break;
    case 'survey':
      subject = `How did we do? ${caseTitle}`;
      body = [
        `Your case ${caseNumber ?? ''} "${caseTitle}" has been resolved.`,
        `Please tell us how we did — it takes a minute:\n${str(payload, 'link')}`,
        footer,
      ];
      break;
    case 'agent_reply':
      subject = `Re: ${caseTitle}`;
      body = [str(payload, 'text'), str(payload, 'from') ? `— ${str(payload, 'from')}` : '', replyHint];
      break;
    case 'article_sent':
      subject = `Knowledge article ${str(payload, 'articleNumber')}: ${str(payload, 'title')}`;
      body = [`${str(payload, 'articleNumber')} — ${str(payload, 'title')}`, str(payload, 'content'), replyHint];
      break;
    case 'status_change':
      ({ subject, body } = statusChange(payload, caseTitle, about, footer));
      break;
    default:
      subject = `Update - ${caseTitle}`;
      body = [about, JSON.stringify(payload, null, 2), footer];
  }
  return { subject: `${tag}${subject}`.replace(/\s+-\s*$/, '').trim(), text: `${body.filter(Boolean).join('\n\n')}\n` };
}

function statusChange(payload: Readonly<Record<string, unknown>>, caseTitle: string, about: string, footer: string): { subject: string; body: string[] } {
  const status = str(payload, 'status');
  const reason = str(payload, 'reason');
  switch (status) {
    case 'customer_note':
      return { subject: `New information from the customer - ${caseTitle}`, body: [about, str(payload, 'text'), footer] };
    case 'cancelled':
      return { subject: `Case cancelled - ${caseTitle}`, body: [about, `The case was cancelled${reason ? `: ${reason}` : '.'}`, footer] };
    case 'reopened':
      return { subject: `Case reopened - ${caseTitle}`, body: [about, `The case was reopened${reason ? `: ${reason}` : '.'}`, footer] };
    case 'accepted':
      return { subject: `An agent is working on your case - ${caseTitle}`, body: [about, `${str(payload, 'agent') || 'An agent'} has taken your case and will be in touch.`, footer] };
    case 'waiting_for_customer':
      return { subject: `We need something from you - ${caseTitle}`, body: [about, `We are waiting for your answer${reason ? `: ${reason}` : '.'} Reply to this email to add it to your case.`, footer] };
    case 'on_hold':
      return { subject: `Your case is on hold - ${caseTitle}`, body: [about, 'Work on your case is paused for now; we will let you know when it goes on.', footer] };
    case 'resumed':
      return { subject: `Work on your case goes on - ${caseTitle}`, body: [about, 'We are working on your case again.', footer] };
    case 'transferred':
      return { subject: `Your case moved to another team - ${caseTitle}`, body: [about, 'Your case was passed to the team best placed to help; they will be in touch.', footer] };
    case 'resolved':
      return { subject: `Your case is resolved - ${caseTitle}`, body: [about, `How we solved it:\n\n${str(payload, 'text')}`, 'If it is not solved, reply to this email to reopen it.', footer] };
    default:
      return { subject: `Case ${status.replace(/_/g, ' ') || 'updated'} - ${caseTitle}`, body: [about, reason, footer] };
  }
}
