import type { ParsedMail } from 'mailparser';
import { appendToNamedCase } from './intake/append-to-case';
import { authenticationRefusal } from './intake/authentication';
import { readMessage, storableMail } from './intake/message';
import { namedCases } from './intake/named-cases';
import { openCaseFromMessage } from './intake/open-case';
import { resolveSender } from './intake/sender';
import { storeMessage } from './intake/stored-message';
import {
  DEFAULT_EMAIL_INTAKE_LIMITS,
  DEFAULT_EMAIL_INTAKE_RULES,
  type EmailIntakeDependencies,
  type EmailIntakeLimits,
  type EmailIntakeResult,
  type EmailIntakeRules,
  type SmtpEnvelope,
} from './intake/types';

export { splitName } from './intake/sender';
export { caseTitle, stripQuoted } from './intake/text';
export {
  DEFAULT_EMAIL_INTAKE_LIMITS,
  DEFAULT_EMAIL_INTAKE_RULES,
  type EmailIntakeDependencies,
  type EmailIntakeLimits,
  type EmailIntakeResult,
  type EmailIntakeRules,
  type EmailRefusalReason,
  type SmtpEnvelope,
  type UnknownSenderRule,
} from './intake/types';

/**
 * Case creation rules for email (DOMAIN.md "The case's life", 1): who sent the message (a contact,
 * matched by address) and what it is about (a case number in the subject) decide whether it opens
 * a case or adds to one. Every decision is idempotent per Message-ID and sender: a message the
 * sender's server delivers twice opens one case and is stored once. The steps live in email/intake/.
 */
export function createEmailIntakeService(deps: EmailIntakeDependencies) {
  const rules: EmailIntakeRules = { ...DEFAULT_EMAIL_INTAKE_RULES, ...deps.rules };
  const limits: EmailIntakeLimits = { ...DEFAULT_EMAIL_INTAKE_LIMITS, ...deps.limits };

  return {
    /**
     * Applies the case creation rules to one parsed message. Throws only on failures worth a retry
     * (database or Temporal unreachable): the SMTP listener answers those with a temporary error.
     */
    async receive(parsed: ParsedMail, envelope: SmtpEnvelope = {}): Promise<EmailIntakeResult> {
      const mail = storableMail(parsed);
      const message = readMessage(mail, envelope);
      if ('kind' in message) return message;
      const { messageId } = message;
      const unauthenticated = authenticationRefusal(mail, rules.trustedAuthservId);
      if (unauthenticated) return unauthenticated;

      const earlier = await deps.emails.findByMessageId(messageId, message.from);
      if (earlier?.direction === 'outbound') {
        return { kind: 'refused', reason: 'automatic-reply', detail: `message ${messageId} is one we sent` };
      }
      if (earlier?.outcome && earlier.caseNumber) {
        return { kind: earlier.outcome, caseNumber: earlier.caseNumber, messageId, redelivered: true };
      }

      const who = await resolveSender(deps, rules.unknownSenders, message.from, message.displayName);
      if ('kind' in who) return who;
      const stored = await storeMessage(deps.emails, message, limits, earlier !== undefined);

      // A case of this customer named in the subject (or the message it answers): add to it.
      const candidates = await namedCases(deps, mail, who.sender);
      const appended = await appendToNamedCase(deps, message, stored, who.actor, candidates);
      if ('result' in appended) return appended.result;

      // Otherwise a new case.
      return openCaseFromMessage(deps, message, stored, who, appended.closedCase);
    },
  };
}

export type EmailIntakeService = ReturnType<typeof createEmailIntakeService>;
