import { isManager, isStaff, type Actor } from '../../domain/actor';
import type { EntitlementRecord, EntitlementRepository } from '../../db/repositories/entitlement.repository';
import type { QueueRecord, QueueRepository } from '../../db/repositories/queue.repository';
import { ForbiddenError, NotFoundError } from '../errors';

/**
 * Who may see which record. What the caller may not see is answered exactly as an unknown id
 * (NotFoundError), so a probe learns nothing.
 */

/** Staff see every customer; a customer only their own contact. */
export function mayReadContact(actor: Actor, contactId: string): boolean {
  return isStaff(actor) || (actor.role === 'customer' && actor.contactId === contactId);
}

/** Staff see every account; a customer only their own account. */
export function mayReadAccount(actor: Actor, accountId: string): boolean {
  return isStaff(actor) || (actor.role === 'customer' && actor.accountId === accountId);
}

/** Staff see every entitlement; a customer those of their own contact and account. */
export function mayReadEntitlement(actor: Actor, entitlement: EntitlementRecord): boolean {
  return entitlement.customer.type === 'contact' ? mayReadContact(actor, entitlement.customer.id) : mayReadAccount(actor, entitlement.customer.id);
}

/** A queue's work (items, members) is for its members, supervisors and administrators. */
export function mayWorkQueue(actor: Actor, queueId: string): boolean {
  return isManager(actor) || (actor.role === 'agent' && actor.queueIds.includes(queueId));
}

export async function visibleEntitlement(entitlements: EntitlementRepository, actor: Actor, id: string): Promise<EntitlementRecord> {
  const entitlement = await entitlements.findById(id);
  if (!entitlement || !mayReadEntitlement(actor, entitlement)) throw new NotFoundError(`entitlement ${id} not found`);
  return entitlement;
}

export async function visibleQueue(queues: QueueRepository, actor: Actor, id: string): Promise<QueueRecord> {
  const queue = mayWorkQueue(actor, id) ? await queues.findById(id) : undefined;
  if (!queue) throw new NotFoundError(`queue ${id} not found`);
  return queue;
}

export function requireManager(actor: Actor): void {
  if (!isManager(actor)) throw new ForbiddenError('routing rules are for supervisors and administrators');
}
