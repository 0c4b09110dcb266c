import { isStaff, type Actor } from '../../domain/actor';
import type { DirectoryRepository } from '../../db/repositories/directory.repository';
import type { EntitlementOwners, EntitlementRecord, EntitlementUsageRecord } from '../../db/repositories/entitlement.repository';
import { ForbiddenError, NotFoundError } from '../errors';
import { visibleEntitlement } from './record-access';
import type { Page, Paged, RecordsServiceDependencies } from './types';

/**
 * Whose entitlements the caller lists. Staff: every entitlement (null), or one customer's (a contact
 * or an account id). A customer: their own contact's and account's; naming anyone else's id is
 * answered as an unknown customer.
 */
async function entitlementOwners(directory: DirectoryRepository, actor: Actor, customerId: string | undefined): Promise<EntitlementOwners> {
  if (customerId !== undefined) {
    let visible: 'contact' | 'account' | undefined;
    if (actor.role === 'customer') visible = customerId === actor.contactId ? 'contact' : customerId === actor.accountId ? 'account' : undefined;
    else if (isStaff(actor)) visible = await directory.customerKind(customerId);
    if (!visible) throw new NotFoundError(`customer ${customerId} not found`);
    return visible === 'contact' ? { contactIds: [customerId], accountIds: [] } : { contactIds: [], accountIds: [customerId] };
  }
  if (actor.role === 'customer') return { contactIds: actor.contactId ? [actor.contactId] : [], accountIds: actor.accountId ? [actor.accountId] : [] };
  if (isStaff(actor)) return null;
  throw new ForbiddenError('entitlements are for customers and staff');
}

/** Entitlements (contracted services) and what resolved cases consumed of them. */
export function entitlementRecords(deps: Pick<RecordsServiceDependencies, 'directory' | 'entitlements'>) {
  const { directory, entitlements } = deps;
  return {
    /**
     * Staff: every entitlement, or one customer's (a contact or an account id). A customer: their own
     * contact's and account's; naming anyone else's id is answered as an unknown customer.
     */
    async listEntitlements(actor: Actor, customerId: string | undefined, page: Page): Promise<Paged<EntitlementRecord>> {
      const owners = await entitlementOwners(directory, actor, customerId);
      const result = await entitlements.list(owners, page.limit, page.offset);
      return { ...result, ...page };
    },

    getEntitlement(actor: Actor, id: string): Promise<EntitlementRecord> {
      return visibleEntitlement(entitlements, actor, id);
    },

    async entitlementUsages(actor: Actor, id: string): Promise<{ entitlementId: string; items: readonly EntitlementUsageRecord[] }> {
      await visibleEntitlement(entitlements, actor, id);
      return { entitlementId: id, items: await entitlements.usages(id) };
    },
  };
}
