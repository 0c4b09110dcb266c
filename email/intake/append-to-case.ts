import type { CaseOwnership } from '../../db/repositories/case.repository';
import type { Actor } from '../../domain/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../services/errors';
import type { InboundMessage } from './message';
import { recordOutcome, type StoredMessage } from './stored-message';
import { fit, stripQuoted } from './text';
import type { EmailIntakeDependencies, EmailIntakeResult } from './types';

type AppendDependencies = Pick<EmailIntakeDependencies, 'caseWork' | 'emails' | 'logger'>;

/**
 * Adds the message to the first open case of the customer's it names. Otherwise no outcome, and the
 * first named case that took nothing (closed) for the new case to mention.
 */
export async function appendToNamedCase(
  deps: AppendDependencies,
  message: InboundMessage,
  stored: StoredMessage,
  actor: Actor,
  candidates: readonly CaseOwnership[],
): Promise<{ readonly result: EmailIntakeResult } | { readonly closedCase: string | null }> {
  let closedCase: string | null = null;
  for (const candidate of candidates) {
    if (candidate.status !== 'closed') {
      const noteText = fit(stripQuoted(message.text) || '(no text)', stored.attachmentNote);
      if (await append(deps, candidate.caseNumber, actor, noteText)) {
        const result = await recordOutcome(deps.emails, stored, 'appended', candidate.caseNumber);
        deps.logger?.info({ caseNumber: candidate.caseNumber, messageId: message.messageId }, 'email added to case');
        return { result };
      }
    }
    closedCase ??= candidate.caseNumber;
  }
  return { closedCase };
}

/** Adds the message to the case as the customer's note; false when the case turned out to be closed. */
async function append(deps: AppendDependencies, caseNumber: string, actor: Actor, text: string): Promise<boolean> {
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
