import type { Database } from '../connection';
import type { CustomerRef } from '../../domain/case';

export function createCustomerRepository(db: Database) {
  return {
    async exists(customer: CustomerRef): Promise<boolean> {
      const table = customer.type === 'contact' ? 'contacts' : 'accounts';
      const row = await db(table).where({ id: customer.id }).first<{ id: string } | undefined>('id');
      return row !== undefined;
    },
  };
}

export type CustomerRepository = ReturnType<typeof createCustomerRepository>;
