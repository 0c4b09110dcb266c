import type { Logger } from 'pino';
import type { CaseRepository } from '../../db/repositories/case.repository';
import type { CustomerRepository } from '../../db/repositories/customer.repository';
import type { EmailRepository } from '../../db/repositories/email.repository';
import type { UserRepository } from '../../db/repositories/user.repository';
import type { CaseService } from '../../services/case.service';
import type { CaseWorkService } from '../../services/case-work.service';

/** What to do with a message from an address no contact has. */
export type UnknownSenderRule = 'create' | 'refuse';

export interface EmailIntakeRules {
  readonly unknownSenders: UnknownSenderRule;
  /**
   * Only Authentication-Results headers of this authserv-id (the receiving MTA's) are honoured;
   * null: every one (only failures are acted on). EMAIL_TRUSTED_AUTHSERV_ID.
   */
  readonly trustedAuthservId: string | null;
}

export interface EmailIntakeLimits {
  /** An attachment larger than this is not stored (the case note says so). */
  readonly maxAttachmentBytes: number;
  /** Attachments are stored in order until their total would exceed this. */
  readonly maxTotalAttachmentBytes: number;
}

export const DEFAULT_EMAIL_INTAKE_RULES: EmailIntakeRules = { unknownSenders: 'create', trustedAuthservId: null };
export const DEFAULT_EMAIL_INTAKE_LIMITS: EmailIntakeLimits = { maxAttachmentBytes: 10 * 1024 * 1024, maxTotalAttachmentBytes: 25 * 1024 * 1024 };

export type EmailRefusalReason =
  /** The rule is `refuse` and no contact has the sender's address. */
  | 'unknown-sender'
  /** Neither the From header nor the envelope names a sender. */
  | 'no-sender'
  /** An auto-reply or bounce (Auto-Submitted), or one of our own messages coming back: answering it would loop. */
  | 'automatic-reply'
  /** The address belongs to a staff user (or is another user's sign-in name): it cannot also be a customer's. */
  | 'address-in-use'
  /** An Authentication-Results header says the sender failed DMARC (or SPF without a passing DKIM signature). */
  | 'failed-authentication';

export type EmailIntakeResult =
  | { readonly kind: 'opened'; readonly caseNumber: string; readonly messageId: string; readonly redelivered: boolean }
  | { readonly kind: 'appended'; readonly caseNumber: string; readonly messageId: string; readonly redelivered: boolean }
  | { readonly kind: 'refused'; readonly reason: EmailRefusalReason; readonly detail: string };

/** A message the intake will not take, and why. */
export type EmailRefusal = Extract<EmailIntakeResult, { kind: 'refused' }>;

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
