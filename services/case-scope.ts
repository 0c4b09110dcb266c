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
