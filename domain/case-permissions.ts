import type { Actor } from './actor';
import { isManager, isStaff } from './actor';
import type { CustomerRef } from './case';

/** The parts of a case that decide who may act on it. */
export interface CaseAccessFacts {
  readonly customer: CustomerRef;
  readonly customerAccountId: string | null;
  readonly queueId: string | null;
  readonly ownerUserId: string | null;
}

/** The case's customer: the contact itself, or anyone of the account the case belongs to. */
export function isCaseCustomer(actor: Actor, facts: CaseAccessFacts): boolean {
  if (actor.role !== 'customer') return false;
  if (facts.customer.type === 'contact' && facts.customer.id === actor.contactId) return true;
  const accountId = facts.customer.type === 'account' ? facts.customer.id : facts.customerAccountId;
  return accountId !== null && accountId === actor.accountId;
}

export function isQueueMember(actor: Actor, facts: CaseAccessFacts): boolean {
  return isStaff(actor) && facts.queueId !== null && actor.queueIds.includes(facts.queueId);
}

export function isOwner(actor: Actor, facts: CaseAccessFacts): boolean {
  return facts.ownerUserId !== null && facts.ownerUserId === actor.userId;
}

/** May work the case: its owner, or a supervisor/administrator. */
export function canWorkCase(actor: Actor, facts: CaseAccessFacts): boolean {
  return isStaff(actor) && (isOwner(actor, facts) || isManager(actor));
}
