import { MANAGER_ROLES, ROLES, STAFF_ROLES, type Role } from '../domain/actor';
import type { RecordsService } from '../services/records.service';

/** What the record route lists (api/records-*.routes.ts) share: their service, role lists and wording. */
export interface RecordRouteDependencies {
  readonly records: RecordsService;
}

export const STAFF = STAFF_ROLES;
export const MANAGERS = MANAGER_ROLES;
export const CUSTOMERS_AND_STAFF: readonly Role[] = ['customer', ...STAFF];
export const READERS = ROLES;

export const notVisible = 'Unknown, or not visible to the caller (the same answer for both)';
