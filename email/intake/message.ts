import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { storableText } from '../../domain/text';
import type { EmailRefusal, SmtpEnvelope } from './types';

/** A message the intake will consider: who sent it, its text and the Message-ID it is known by. */
export interface InboundMessage {
  readonly mail: ParsedMail;
  /** The sender's address, lower case. */
  readonly from: string;
  readonly displayName: string;
  readonly text: string;
  readonly messageId: string;
}

/**
 * The message with text PostgreSQL cannot store (a NUL, half a surrogate pair: `=00` in a subject
 * is enough) replaced by U+FFFD: a real mail server would retry a 451 for days, and refusing
 * someone's mail over one invisible character helps nobody. The case opens with the rest intact.
 */
export function storableMail(mail: ParsedMail): ParsedMail {
  const clean = (value: string | undefined) => (value === undefined ? undefined : storableText(value));
  const address = (field: ParsedMail['from']): ParsedMail['from'] =>
    field && { ...field, text: storableText(field.text), value: field.value.map((a) => ({ ...a, name: storableText(a.name ?? '') })) };
  return {
    ...mail,
    subject: clean(mail.subject),
    text: clean(mail.text),
    ...(typeof mail.html === 'string' ? { html: storableText(mail.html) } : {}),
    messageId: clean(mail.messageId),
    inReplyTo: clean(mail.inReplyTo),
    from: address(mail.from),
    attachments: mail.attachments.map((file) => ({ ...file, ...(file.filename === undefined ? {} : { filename: storableText(file.filename) }) })),
  };
}

/** The sender, text and Message-ID of a message; a refusal when it names no sender or is an automatic reply. */
export function readMessage(mail: ParsedMail, envelope: SmtpEnvelope): InboundMessage | EmailRefusal {
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
  return { mail, from, displayName, text, messageId };
}

export function normaliseAddress(value: string): string {
  return value.trim().replace(/^<|>$/g, '').toLowerCase();
}

function headerText(mail: ParsedMail, name: string): string {
  const value: unknown = mail.headers.get(name);
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'string') return value.value.trim();
  return '';
}

/** Every address in a To (or Cc) field, groups included, lower case. */
export function addresses(field: ParsedMail['to']): string[] {
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
