import { isStaff, type Actor } from '../../domain/actor';
import type { AccountRecord, CaseCounts, ContactRecord, ProductRecord } from '../../db/repositories/directory.repository';
import type { EntitlementRecord } from '../../db/repositories/entitlement.repository';
import { caseScopeFor } from '../case-scope';
import { ForbiddenError, NotFoundError } from '../errors';
import { mayReadAccount, mayReadContact } from './record-access';
import type { Page, Paged, RecordsServiceDependencies } from './types';

export interface ContactView extends ContactRecord {
  readonly cases: CaseCounts;
}

export interface AccountView extends AccountRecord {
  readonly contacts: readonly ContactRecord[];
  readonly entitlements: readonly EntitlementRecord[];
  readonly cases: CaseCounts;
}

/** An account's contacts and entitlements are short lists: shown whole on the account. */
const ACCOUNT_ENTITLEMENTS_SHOWN = 100;

/** Customers (contacts, accounts) and the product catalogue. */
export function customerRecords(deps: Pick<RecordsServiceDependencies, 'directory' | 'entitlements'>) {
  const { directory, entitlements } = deps;
  return {
    async searchContacts(actor: Actor, text: string | undefined, page: Page): Promise<Paged<ContactRecord>> {
      if (!isStaff(actor)) throw new ForbiddenError('searching contacts is for agents, supervisors and administrators');
      const result = await directory.searchContacts(text, page.limit, page.offset);
      return { ...result, ...page };
    },

    async getContact(actor: Actor, id: string): Promise<ContactView> {
      const contact = mayReadContact(actor, id) ? await directory.findContact(id) : undefined;
      if (!contact) throw new NotFoundError(`contact ${id} not found`);
      return { ...contact, cases: await directory.contactCaseCounts(id, caseScopeFor(actor)) };
    },

    async getAccount(actor: Actor, id: string): Promise<AccountView> {
      const account = mayReadAccount(actor, id) ? await directory.findAccount(id) : undefined;
      if (!account) throw new NotFoundError(`account ${id} not found`);
      const [contacts, contracted, cases] = await Promise.all([
        directory.contactsOfAccount(id),
        entitlements.list({ contactIds: [], accountIds: [id] }, ACCOUNT_ENTITLEMENTS_SHOWN, 0),
        directory.accountCaseCounts(id, caseScopeFor(actor)),
      ]);
      return { ...account, contacts, entitlements: contracted.items, cases };
    },

    listProducts(): Promise<ProductRecord[]> {
      return directory.listProducts();
    },
  };
}
