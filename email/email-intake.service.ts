import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import type { Logger } from 'pino';
import type { CaseOwnership, CaseRepository } from '../db/repositories/case.repository';
import type { CustomerRepository } from '../db/repositories/customer.repository';
import type { EmailRepository } from '../db/repositories/email.repository';
import type { UserRepository } from '../db/repositories/user.repository';
import type { Actor } from '../domain/actor';
import type { CaseService } from '../services/case.service';
import type { CaseWorkService } from '../services/case-work.service';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../services/errors';
import { caseNumbersIn, withoutCaseNumberTags } from '../domain/case-number';

/**
 * Case creation rules for email (DOMAIN.md "The case's life", 1): who sent the message (a contact,
 * matched by address) and what it is about (a case number in the subject) decide whether it opens
 * a case or adds to one. Every decision is idempotent per Message-ID: a message the sender's
 * server delivers twice opens one case and is stored once.
 */

/** What to do with a message from an address no contact has. */
export type UnknownSenderRule = 'create' | 'refuse';

export interface EmailIntakeRules {
  readonly unknownSenders: UnknownSenderRule;
}

export interface EmailIntakeLimits {
  /** An attachment larger than this is not stored (the case note says so). */
  readonly maxAttachmentBytes: number;
  /** Attachments are stored in order until their total would exceed this. */
  readonly maxTotalAttachmentBytes: number;
}

export const DEFAULT_EMAIL_INTAKE_RULES: EmailIntakeRules = { unknownSenders: 'create' };
export const DEFAULT_EMAIL_INTAKE_LIMITS: EmailIntakeLimits = { maxAttachmentBytes: 10 * 1024 * 1024, maxTotalAttachmentBytes: 25 * 1024 * 1024 };

/** Longest case title (as the API allows) and longest description or note text (as the workflow allows). */
const MAX_TITLE = 200;
const MAX_TEXT = 10_000;

export type EmailRefusalReason =
  /** The rule is `refuse` and no contact has the sender's address. */
  | 'unknown-sender'
  /** Neither the From header nor the envelope names a sender. */
  | 'no-sender'
  /** An auto-reply or bounce (Auto-Submitted), or one of our own messages coming back: answering it would loop. */
  | 'automatic-reply'
  /** The address belongs to a staff user (or is another user's sign-in name): it cannot also be a customer's. */
  | 'address-in-use';

export type EmailIntakeResult =
  | { readonly kind: 'opened'; readonly caseNumber: string; readonly messageId: string; readonly redelivered: boolean }
  | { readonly kind: 'appended'; readonly caseNumber: string; readonly messageId: string; readonly redelivered: boolean }
  | { readonly kind: 'refused'; readonly reason: EmailRefusalReason; readonly detail: string };

/** What the SMTP conversation said, besides the message itself. */
export interface SmtpEnvelope {
  readonly mailFrom?: string | null;
  readonly rcptTo?: readonly string[];
}

export interface EmailIntakeDependencies {
  /** Senders: contacts found or created by address. */
  readonly customers: Pick<CustomerRepository, 'findContactByEmail' | 'insertContact' | 'findContactName'>;
  /** Senders' sign-ins, and the staff addresses no customer may use. */
  readonly users: Pick<UserRepository, 'findActor' | 'findByEmail' | 'insertCustomerUser' | 'findIdByContact'>;
  /** The messages and their attachments, once per Message-ID. */
  readonly emails: Pick<EmailRepository, 'findByMessageId' | 'caseNumbersOf' | 'storeInbound' | 'recordOutcome'>;
  /** Who the cases a message names belong to. */
  readonly caseRecords: Pick<CaseRepository, 'findOwnership'>;
  readonly cases: Pick<CaseService, 'openCase'>;
  readonly caseWork: Pick<CaseWorkService, 'act'>;
  readonly rules?: Partial<EmailIntakeRules>;
  readonly limits?: Partial<EmailIntakeLimits>;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

interface Sender {
  readonly contactId: string;
  readonly accountId: string | null;
  readonly userId: string | null;
}

interface AttachmentPlan {
  readonly stored: readonly { filename: string; contentType: string; content: Buffer }[];
  readonly skipped: readonly { filename: string; size: number; why: string }[];
}


export function createEmailIntakeService(deps: EmailIntakeDependencies) {
  const rules: EmailIntakeRules = { ...DEFAULT_EMAIL_INTAKE_RULES, ...deps.rules };
  const limits: EmailIntakeLimits = { ...DEFAULT_EMAIL_INTAKE_LIMITS, ...deps.limits };
  const { customers, users, emails } = deps;

  async function findSender(address: string): Promise<Sender | undefined> {
    const contact = await customers.findContactByEmail(address);
    return contact && { contactId: contact.id, accountId: contact.accountId, userId: contact.userId };
  }

  /** A user with this address that is not the contact's own sign-in: a staff member's address. */
  async function addressTakenByOtherUser(address: string, contactId: string | null): Promise<boolean> {
    const user = await users.findByEmail(address);
    return user !== undefined && (contactId === null || user.contactId !== contactId);
  }

  /** A new contact and its customer sign-in, in one transaction; a concurrent message from the same address finds them. */
  async function createSender(address: string, displayName: string): Promise<Sender> {
    const { first, last } = splitName(displayName, address);
    await customers.insertContact({ firstName: first, lastName: last, email: address });
    const sender = await findSender(address);
    if (!sender) throw new Error(`contact for ${address} could not be created`);
    return sender;
  }

  /** The contact's sign-in user (username = the address), created for a contact that has none. */
  async function ensureUser(sender: Sender, address: string, displayName: string): Promise<string | undefined> {
    if (sender.userId) return sender.userId;
    const contact = await customers.findContactName(sender.contactId);
    if (!contact) throw new Error(`contact ${sender.contactId} not found`);
    const name = `${contact.firstName} ${contact.lastName}`.trim() || displayName || address;
    await users.insertCustomerUser({ username: address, displayName: name, email: address, contactId: sender.contactId });
    // Undefined when another user already has the address as username or email.
    return users.findIdByContact(sender.contactId);
  }

  /** Cases the message names (subject first, then the messages it answers) that belong to this customer. */
  async function referencedCases(mail: ParsedMail, sender: Sender): Promise<CaseOwnership[]> {
    const numbers = caseNumbersIn(mail.subject ?? '');
    const references = [...new Set([mail.inReplyTo, ...(Array.isArray(mail.references) ? mail.references : [mail.references])].filter((r): r is string => typeof r === 'string' && r !== ''))];
    if (references.length > 0) {
      const threaded = await emails.caseNumbersOf(references);
      for (const number of threaded) if (!numbers.includes(number)) numbers.push(number);
    }
    if (numbers.length === 0) return [];
    const rows = await deps.caseRecords.findOwnership(numbers);
    const own = rows.filter(
      (k) =>
        k.customerContactId === sender.contactId ||
        (sender.accountId !== null && (k.customerAccountId === sender.accountId || k.contactAccountId === sender.accountId)),
    );
    return numbers.map((n) => own.find((k) => k.caseNumber === n)).filter((k): k is CaseOwnership => k !== undefined);
  }

  function planAttachments(mail: ParsedMail): AttachmentPlan {
    const stored: { filename: string; contentType: string; content: Buffer }[] = [];
    const skipped: { filename: string; size: number; why: string }[] = [];
    let total = 0;
    mail.attachments.forEach((attachment, index) => {
      const filename = (attachment.filename ?? '').trim() || `attachment-${index + 1}`;
      const size = attachment.content.length;
      if (size > limits.maxAttachmentBytes) {
        skipped.push({ filename, size, why: `larger than ${formatBytes(limits.maxAttachmentBytes)}` });
      } else if (total + size > limits.maxTotalAttachmentBytes) {
        skipped.push({ filename, size, why: `attachments over ${formatBytes(limits.maxTotalAttachmentBytes)} in total` });
      } else {
        total += size;
        stored.push({ filename, contentType: attachment.contentType || 'application/octet-stream', content: attachment.content });
      }
    });
    return { stored, skipped };
  }

  /** Writes the message and its attachments once; returns the row's id (an earlier attempt's row if there is one). */
  function storeMessage(messageId: string, mail: ParsedMail, from: string, text: string, plan: AttachmentPlan): Promise<string> {
    return emails.storeInbound(
      {
        messageId,
        fromAddress: from,
        toAddresses: addresses(mail.to),
        subject: mail.subject ?? '',
        textBody: text,
        inReplyTo: mail.inReplyTo ?? null,
        receivedAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
      },
      plan.stored,
    );
  }

  async function actorOf(userId: string): Promise<Actor> {
    const actor = await users.findActor(userId);
    if (!actor) throw new Error(`user ${userId} not found`);
    return actor;
  }

  /** Adds the message to the case as the customer's note; false when the case turned out to be closed. */
  async function append(caseNumber: string, actor: Actor, text: string): Promise<boolean> {
    try {
      await deps.caseWork.act(caseNumber, actor, 'addCustomerNote', { text });
      return true;
    } catch (error) {
      // Closed, or (a race) no longer the customer's: the message opens a case of its own instead.
      if (error instanceof ConflictError || error instanceof NotFoundError || error instanceof ForbiddenError || error instanceof ValidationError) {
        deps.logger?.info({ caseNumber, err: error.message }, 'email could not be added to the case; opening a new one');
        return false;
      }
      throw error;
    }
  }

  return {
    /**
     * Applies the case creation rules to one parsed message. Throws only on failures worth a retry
     * (database or Temporal unreachable): the SMTP listener answers those with a temporary error.
     */
    async receive(mail: ParsedMail, envelope: SmtpEnvelope = {}): Promise<EmailIntakeResult> {
      const fromHeader = mail.from?.value.find((a) => a.address);
      const from = normaliseAddress(fromHeader?.address ?? envelope.mailFrom ?? '');
      if (!from) return { kind: 'refused', reason: 'no-sender', detail: 'the message names no sender' };
      const displayName = (fromHeader?.name ?? '').trim();
      const autoSubmitted = headerText(mail, 'auto-submitted').toLowerCase();
      if (autoSubmitted !== '' && autoSubmitted !== 'no') {
        return { kind: 'refused', reason: 'automatic-reply', detail: `automatic messages are not accepted (Auto-Submitted: ${autoSubmitted})` };
      }
      const text = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
      const messageId = mail.messageId?.trim() || syntheticMessageId(from, mail, text);

      const earlier = await emails.findByMessageId(messageId);
      if (earlier?.direction === 'outbound') {
        return { kind: 'refused', reason: 'automatic-reply', detail: `message ${messageId} is one we sent` };
      }
      if (earlier?.outcome && earlier.caseNumber) {
        return { kind: earlier.outcome, caseNumber: earlier.caseNumber, messageId, redelivered: true };
      }

      let sender = await findSender(from);
      if (await addressTakenByOtherUser(from, sender?.contactId ?? null)) {
        return { kind: 'refused', reason: 'address-in-use', detail: `${from} belongs to a staff user` };
      }
      if (!sender) {
        if (rules.unknownSenders === 'refuse') {
          return { kind: 'refused', reason: 'unknown-sender', detail: `no contact has the address ${from}` };
        }
        sender = await createSender(from, displayName);
        deps.logger?.info({ contactId: sender.contactId, from }, 'email from an unknown sender: contact created');
      }
      const userId = await ensureUser(sender, from, displayName);
      if (!userId) return { kind: 'refused', reason: 'address-in-use', detail: `${from} is another user's sign-in name` };
      const actor = await actorOf(userId);

      const plan = planAttachments(mail);
      const emailMessageId = await storeMessage(messageId, mail, from, text, plan);
      const attachmentNote = describeAttachments(plan);

      // A case of this customer named in the subject (or the message it answers): add to it.
      const candidates = await referencedCases(mail, sender);
      let closedCase: string | null = null;
      for (const candidate of candidates) {
        if (candidate.status !== 'closed') {
          const noteText = fit(stripQuoted(text) || '(no text)', attachmentNote);
          if (await append(candidate.caseNumber, actor, noteText)) {
            await emails.recordOutcome(emailMessageId, 'appended', candidate.caseNumber);
            deps.logger?.info({ caseNumber: candidate.caseNumber, messageId }, 'email added to case');
            return { kind: 'appended', caseNumber: candidate.caseNumber, messageId, redelivered: earlier !== undefined };
          }
        }
        closedCase ??= candidate.caseNumber;
      }

      // Otherwise a new case; the request id makes a redelivered message find the same one.
      const mention = closedCase ? `Follow-up to ${closedCase}, which is closed.` : '';
      const description = fit([mention, text].filter(Boolean).join('\n\n'), attachmentNote);
      const opened = await deps.cases.openCase({
        requestId: `email:${messageId}`,
        title: caseTitle(mail.subject),
        description,
        customer: { type: 'contact', id: sender.contactId },
        channel: 'email',
        priority: 'normal',
        productId: null,
        subject: null,
        openedByUserId: userId,
      });
      const caseNumber = opened.state === 'recorded' ? opened.case.caseNumber : opened.caseNumber;
      await emails.recordOutcome(emailMessageId, 'opened', caseNumber);
      deps.logger?.info({ caseNumber, messageId, from }, 'email opened a case');
      return { kind: 'opened', caseNumber, messageId, redelivered: earlier !== undefined };
    },
  };
}

export type EmailIntakeService = ReturnType<typeof createEmailIntakeService>;

function normaliseAddress(value: string): string {
  return value.trim().replace(/^<|>$/g, '').toLowerCase();
}

function headerText(mail: ParsedMail, name: string): string {
  const value: unknown = mail.headers.get(name);
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'string') return value.value.trim();
  return '';
}

function addresses(field: ParsedMail['to']): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.flatMap((a) => [a.address, ...(a.group ?? []).map((g) => g.address)])).filter((a): a is string => !!a).map(normaliseAddress);
}

/** A message without a Message-ID gets one from its content, so its redelivery is still recognised. */
function syntheticMessageId(from: string, mail: ParsedMail, text: string): string {
  const digest = createHash('sha256')
    .update([from, mail.date?.toISOString() ?? '', mail.subject ?? '', text].join('\u0000'))
    .digest('hex');
  return `<sha256.${digest}@caseflow.invalid>`;
}

/** "Alice Gold" → Alice / Gold; "Gold, Alice" → Alice / Gold; no name → the address's local part. */
export function splitName(displayName: string, address: string): { first: string; last: string } {
  const name = displayName.replace(/^"|"$/g, '').trim();
  if (name === '' || name.toLowerCase() === address) return { first: address.split('@')[0] || address, last: '' };
  const comma = /^([^,]+),\s*(.+)$/.exec(name);
  if (comma) return { first: comma[2]!.trim(), last: comma[1]!.trim() };
  const parts = name.split(/\s+/);
  return { first: parts[0]!, last: parts.slice(1).join(' ') };
}

/** The subject without reply prefixes and case tags; "(no subject)" when nothing is left. */
export function caseTitle(subject: string | undefined): string {
  let title = withoutCaseNumberTags(subject ?? '').replace(/\s+/g, ' ').trim();
  for (let previous = ''; previous !== title; ) {
    previous = title;
    title = title.replace(/^(re|fw|fwd|aw|sv|wg|tr)\s*(\[\d+\])?\s*:\s*/i, '').trim();
  }
  if (title === '') return '(no subject)';
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

/** The new part of a reply: the text above "On … wrote:" / "-----Original Message-----", without "> " lines. */
export function stripQuoted(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*(On\s.+wrote:|-{2,}\s*Original Message\s*-{2,}|_{5,})\s*$/i.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim() || text.trim();
}

function describeAttachments(plan: AttachmentPlan): string {
  const lines: string[] = [];
  if (plan.stored.length > 0) lines.push(`Attachments: ${plan.stored.map((f) => `${f.filename} (${formatBytes(f.content.length)})`).join(', ')}`);
  for (const file of plan.skipped) lines.push(`Attachment not stored (${file.why}): ${file.filename} (${formatBytes(file.size)})`);
  return lines.join('\n');
}

/** The text, cut to leave room for the attachments' lines, within what the workflow accepts. */
function fit(text: string, footer: string): string {
  const room = MAX_TEXT - (footer ? footer.length + 2 : 0);
  const body = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return [body, footer].filter(Boolean).join('\n\n').slice(0, MAX_TEXT);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
