import type { Database } from '../connection';
import type { CustomerRef } from '../../domain/case';

/** A contact found by email address, with its account and its sign-in user (if any). */
export interface ContactByEmail {
  readonly id: string;
  readonly accountId: string | null;
  readonly userId: string | null;
}

export interface NewContact {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
}

export function createCustomerRepository(db: Database) {
  return {
    async exists(customer: CustomerRef): Promise<boolean> {
      const table = customer.type === 'contact' ? 'contacts' : 'accounts';
      const row = await db(table).where({ id: customer.id }).first<{ id: string } | undefined>('id');
      return row !== undefined;
    },

    /** The contact with this address, compared in lower case (`address` must be lower case already). */
    async findContactByEmail(address: string): Promise<ContactByEmail | undefined> {
      const row = await db('contacts as c')
        .leftJoin('users as u', 'u.contact_id', 'c.id')
        .whereRaw('lower(c.email) = ?', [address])
        .first<{ id: string; account_id: string | null; user_id: string | null } | undefined>('c.id', 'c.account_id', 'u.id as user_id');
      return row && { id: row.id, accountId: row.account_id, userId: row.user_id };
    },

    /** Adds a contact unless one already has the address (a concurrent insert included): then nothing is written. */
    async insertContact(contact: NewContact): Promise<void> {
      await db.transaction(async (trx) => {
        // No conflict target: the contacts' unique key is the expression index on lower(email).
        await trx('contacts').insert({ first_name: contact.firstName, last_name: contact.lastName, email: contact.email }).onConflict().ignore();
      });
    },

    async findContactName(contactId: string): Promise<{ firstName: string; lastName: string } | undefined> {
      const row = await db('contacts').where({ id: contactId }).first<{ first_name: string; last_name: string } | undefined>('first_name', 'last_name');
      return row && { firstName: row.first_name, lastName: row.last_name };
    },
  };
}

export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
