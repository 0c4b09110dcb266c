import type { Actor } from '../domain/actor';
import type { CaseScope } from '../db/repositories/case.repository';

/**
 * The cases a caller may see (README: security): customers their own and their account's;
 * agents those of the queues they belong to and those they own; supervisors, administrators
 * and operators all.
 */
export function caseScopeFor(actor: Actor): CaseScope {
  switch (actor.role) {
    case 'customer':
      return { kind: 'customer', contactId: actor.contactId, accountId: actor.accountId };
    case 'agent':
      return { kind: 'agent', userId: actor.userId, queueIds: actor.queueIds };
    case 'supervisor':
    case 'admin':
    case 'operator':
      return { kind: 'all' };
  }
}

/** The facts of a case that decide who sees it (as whereCaseVisible in db/ reads them). */
export interface CaseVisibilityFacts {
  readonly queueId: string | null;
  readonly ownerUserId: string | null;
  readonly customerContactId: string | null;
  readonly customerAccountId: string | null;
  readonly contactAccountId: string | null;
}

/** Whether `scope` sees a case with these facts: the same rule as whereCaseVisible, in memory. */
export function isInScope(scope: CaseScope, facts: CaseVisibilityFacts): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'customer':
      return (
        (scope.contactId !== null && facts.customerContactId === scope.contactId) ||
        (scope.accountId !== null && (facts.customerAccountId === scope.accountId || facts.contactAccountId === scope.accountId))
      );
    case 'agent':
      return facts.ownerUserId === scope.userId || (facts.queueId !== null && scope.queueIds.includes(facts.queueId));
  }
}
