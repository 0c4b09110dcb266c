import type { Knex } from 'knex';
import { OPEN_CASE_STATUSES } from '../../domain/case';
import type { Database } from '../connection';
import { whereCaseVisible, type CaseScope } from './case.repository';

/** A person who receives service (DOMAIN.md: Contact), with the account they belong to. */
export interface ContactRecord {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly fullName: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly accountId: string | null;
  readonly accountName: string | null;
  readonly createdAt: string;
}

/** A company or group of people (DOMAIN.md: Account). */
export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  readonly tier: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly parentAccountId: string | null;
  readonly createdAt: string;
}

export interface ProductRecord {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly active: boolean;
}

/** Open = active, on hold or waiting for the customer; resolved = resolved, or closed after a resolution. */
export interface CaseCounts {
  readonly open: number;
  readonly resolved: number;
}

interface ContactRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  phone: string | null;
  account_id: string | null;
  account_name: string | null;
  created_at: Date | string;
}

interface AccountRow {
  id: string;
  name: string;
  tier: string;
  email: string | null;
  phone: string | null;
  parent_account_id: string | null;
  created_at: Date | string;
}

/** `%`, `_` and `\` typed by the user match themselves in ILIKE. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createDirectoryRepository(db: Database) {
  const contacts = () =>
    db('contacts as c')
      .leftJoin('accounts as a', 'a.id', 'c.account_id')
      .select<ContactRow[]>('c.id', 'c.first_name', 'c.last_name', 'c.email', 'c.phone', 'c.account_id', 'a.name as account_name', 'c.created_at');

  async function countCases(customer: (q: Knex.QueryBuilder) => void, scope: CaseScope): Promise<CaseCounts> {
    const open = OPEN_CASE_STATUSES.map(() => '?').join(', ');
    const query = db('cases')
      .where(customer)
      .select(
        db.raw(`count(*) filter (where cases.status in (${open})) as open`, [...OPEN_CASE_STATUSES]),
        db.raw(`count(*) filter (where cases.status in ('resolved', 'closed') and cases.resolved_at is not null) as resolved`),
      );
    const row = (await whereCaseVisible(db, query, scope).first()) as { open: string | number; resolved: string | number } | undefined;
    return { open: Number(row?.open ?? 0), resolved: Number(row?.resolved ?? 0) };
  }

  return {
    /** Contacts whose name or email contains every word of `text` (all contacts without text), by name. */
    async searchContacts(text: string | undefined, limit: number, offset: number): Promise<{ items: ContactRecord[]; total: number }> {
      const query = contacts();
      for (const word of (text ?? '').split(/\s+/u).filter(Boolean)) {
        const pattern = likePattern(word);
        query.where((q) => q.whereILike('c.first_name', pattern).orWhereILike('c.last_name', pattern).orWhereILike('c.email', pattern));
      }
      const [counted] = (await query.clone().clearSelect().count<{ total: string }[]>('* as total')) as [{ total: string }];
      const rows = await query.orderBy([{ column: 'c.last_name' }, { column: 'c.first_name' }, { column: 'c.id' }]).limit(limit).offset(offset);
      return { items: rows.map(toContact), total: Number(counted.total) };
    },

    async findContact(id: string): Promise<ContactRecord | undefined> {
      const row = await contacts().where('c.id', id).first();
      return row ? toContact(row) : undefined;
    },

    async findAccount(id: string): Promise<AccountRecord | undefined> {
      const row = await db('accounts').where({ id }).first<AccountRow | undefined>('id', 'name', 'tier', 'email', 'phone', 'parent_account_id', 'created_at');
      return row ? toAccount(row) : undefined;
    },

    async contactsOfAccount(accountId: string): Promise<ContactRecord[]> {
      const rows = await contacts().where('c.account_id', accountId).orderBy([{ column: 'c.last_name' }, { column: 'c.first_name' }, { column: 'c.id' }]);
      return rows.map(toContact);
    },

    /** Whether the id is a contact, an account, or neither. */
    async customerKind(id: string): Promise<'contact' | 'account' | undefined> {
      if (await db('contacts').where({ id }).first('id')) return 'contact';
      if (await db('accounts').where({ id }).first('id')) return 'account';
      return undefined;
    },

    async listProducts(): Promise<ProductRecord[]> {
      const rows = await db('products').orderBy([{ column: 'name' }, { column: 'id' }]).select<{ id: string; code: string; name: string; description: string; active: boolean }[]>('id', 'code', 'name', 'description', 'active');
      return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, description: r.description, active: r.active }));
    },

    /** Which of these product ids exist (all must be UUIDs). */
    async existingProductIds(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      return new Set(await db('products').whereIn('id', [...ids]).pluck<string[]>('id'));
    },

    /** The id of the product with this code or name (any letter case). */
    async findProductId(codeOrName: string): Promise<string | undefined> {
      const row = await db('products').whereRaw('lower(code) = lower(?) or lower(name) = lower(?)', [codeOrName, codeOrName]).first<{ id: string } | undefined>('id');
      return row?.id;
    },

    /** Whether a product with this id exists (any status: a retired product still names old cases). */
    async productExists(id: string): Promise<boolean> {
      return (await db('products').where({ id }).first<{ id: string } | undefined>('id')) !== undefined;
    },

    /** Every product code, in order. */
    async productCodes(): Promise<string[]> {
      return db('products').orderBy('code').pluck<string[]>('code');
    },

    /** The contact's cases that `scope` may see, open and resolved. */
    contactCaseCounts(contactId: string, scope: CaseScope): Promise<CaseCounts> {
      return countCases((q) => void q.where('cases.customer_contact_id', contactId), scope);
    },

    /** The account's cases and its contacts' cases that `scope` may see, open and resolved. */
    accountCaseCounts(accountId: string, scope: CaseScope): Promise<CaseCounts> {
      return countCases(
        (q) => void q.where('cases.customer_account_id', accountId).orWhereIn('cases.customer_contact_id', db('contacts').select('id').where('account_id', accountId)),
        scope,
      );
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;

function toContact(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    fullName: `${row.first_name} ${row.last_name}`,
    email: row.email,
    phone: row.phone,
    accountId: row.account_id,
    accountName: row.account_name,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    email: row.email,
    phone: row.phone,
    parentAccountId: row.parent_account_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
