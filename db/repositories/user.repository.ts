import type { Database } from '../connection';
import { STAFF_ROLES, type Actor, type Role } from '../../domain/actor';

/** A user as administrators see them: never the password hash. */
export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** A customer's contact; null for staff. */
  readonly contactId: string | null;
  /** Whether the user can sign in with a password at all. */
  readonly hasPassword: boolean;
  readonly createdAt: string;
}

export interface UserFilter {
  readonly role?: Role | undefined;
  readonly disabled?: boolean | undefined;
  /** Words in the username, display name or email (all must match, any letter case). */
  readonly text?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  /** Lower case already. */
  readonly email: string;
  readonly role: Role;
  readonly contactId: string | null;
  readonly passwordHash: string;
}

export interface UserChanges {
  readonly disabled?: boolean | undefined;
  readonly role?: Role | undefined;
  readonly displayName?: string | undefined;
}

/** The field another user already holds when an insert is refused. */
export type TakenField = 'username' | 'email' | 'contactId';

/** Unique constraints of users (db/migrations/0001_customers.ts) and the field each protects. */
const UNIQUE_FIELDS: Readonly<Record<string, TakenField>> = {
  users_username_unique: 'username',
  users_email_unique: 'email',
  users_contact_id_unique: 'contactId',
};

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string;
  role: Role;
  disabled: boolean;
  contact_id: string | null;
  has_password: boolean;
  created_at: Date | string;
}

function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    contactId: row.contact_id,
    hasPassword: row.has_password,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The field of a unique violation on users; undefined for any other error. */
function takenField(error: unknown): TakenField | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? UNIQUE_FIELDS[constraint] : undefined;
}

/** Escapes LIKE's wildcards so that user text matches literally. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What signing in checks: the password hash (null: no password set) and whether the account is disabled. */
export interface UserCredentials {
  readonly id: string;
  readonly passwordHash: string | null;
  readonly disabled: boolean;
}

interface ActorRow {
  id: string;
  role: Role;
  display_name: string;
  contact_id: string | null;
  account_id: string | null;
}

export function createUserRepository(db: Database) {
  async function toActor(row: ActorRow | undefined): Promise<Actor | undefined> {
    if (!row) return undefined;
    const queueIds = await db('queue_members').where({ user_id: row.id }).orderBy('queue_id').pluck<string[]>('queue_id');
    return { userId: row.id, role: row.role, displayName: row.display_name, queueIds, contactId: row.contact_id, accountId: row.account_id };
  }

  function userQuery() {
    return db('users').select<UserRow[]>('id', 'username', 'display_name', 'email', 'role', 'disabled', 'contact_id', db.raw('password_hash is not null as has_password'), 'created_at');
  }

  async function findUser(id: string): Promise<UserRecord | undefined> {
    const row = await userQuery().where({ id }).first<UserRow | undefined>();
    return row && toUserRecord(row);
  }

  function actorQuery() {
    return db('users as u').leftJoin('contacts as c', 'c.id', 'u.contact_id').select('u.id', 'u.role', 'u.display_name', 'u.contact_id', 'c.account_id');
  }

  return {
    /** The Actor for a signed-in user: role, queues, and for a customer the contact and account. */
    async findActor(userId: string): Promise<Actor | undefined> {
      return toActor(await actorQuery().where('u.id', userId).first<ActorRow | undefined>());
    },

    async findActorByUsername(username: string): Promise<Actor | undefined> {
      return toActor(await actorQuery().where('u.username', username).first<ActorRow | undefined>());
    },

    async findDisplayName(userId: string): Promise<string | undefined> {
      const row = await db('users').where({ id: userId }).first<{ display_name: string } | undefined>('display_name');
      return row?.display_name;
    },

    /** The agent, supervisor or administrator with this username or display name (any letter case). */
    async findStaffByName(name: string): Promise<{ id: string; displayName: string } | undefined> {
      const row = await db('users')
        .whereIn('role', [...STAFF_ROLES])
        .andWhere((q) => q.whereRaw('lower(username) = lower(?)', [name]).orWhereRaw('lower(display_name) = lower(?)', [name]))
        .first<{ id: string; display_name: string } | undefined>('id', 'display_name');
      return row && { id: row.id, displayName: row.display_name };
    },

    /** Whether a contact has this email address, or a user has it as email or username (`address` must be lower case already). */
    async isAddressKnown(address: string): Promise<boolean> {
      const known =
        (await db('contacts').whereRaw('lower(email) = ?', [address]).first<{ id: string } | undefined>('id')) ??
        (await db('users').whereRaw('lower(email) = ? or lower(username) = ?', [address, address]).first<{ id: string } | undefined>('id'));
      return known !== undefined;
    },

    /** A new contact and its customer user (username and email: the address), in one transaction; returns the user's id. */
    async createContactUser(contact: { firstName: string; lastName: string; email: string; displayName: string }): Promise<string> {
      return db.transaction(async (trx) => {
        const [created] = await trx('contacts').insert({ first_name: contact.firstName, last_name: contact.lastName, email: contact.email }).returning<{ id: string }[]>('id');
        if (!created) throw new Error('contact not created');
        const [user] = await trx('users')
          .insert({ username: contact.email, display_name: contact.displayName, email: contact.email, role: 'customer', contact_id: created.id })
          .returning<{ id: string }[]>('id');
        if (!user) throw new Error('user not created');
        return user.id;
      });
    },

    /** The user's credentials, by sign-in name or by id. */
    async findCredentials(key: { username: string } | { id: string }): Promise<UserCredentials | undefined> {
      const row = await db('users').where(key).first<{ id: string; password_hash: string | null; disabled: boolean } | undefined>('id', 'password_hash', 'disabled');
      return row && { id: row.id, passwordHash: row.password_hash, disabled: row.disabled };
    },

    /** A user whose email is this address, compared in lower case (`address` must be lower case already); its contact for a customer. */
    async findByEmail(address: string): Promise<{ contactId: string | null } | undefined> {
      const row = await db('users')
        .whereRaw('lower(email) = ?', [address])
        .first<{ contact_id: string | null } | undefined>('contact_id');
      return row && { contactId: row.contact_id };
    },

    /** The contact's customer sign-in; nothing is written when the username or the email is another user's (or the contact has one). */
    async insertCustomerUser(user: { username: string; displayName: string; email: string; contactId: string }): Promise<void> {
      await db('users').insert({ username: user.username, display_name: user.displayName, email: user.email, role: 'customer', contact_id: user.contactId }).onConflict().ignore();
    },

    /** The id of the contact's sign-in user, if it has one. */
    async findIdByContact(contactId: string): Promise<string | undefined> {
      const row = await db('users').where({ contact_id: contactId }).first<{ id: string } | undefined>('id');
      return row?.id;
    },

    /** Users by username, filtered; with the count of all that match. */
    async listUsers(filter: UserFilter): Promise<{ items: UserRecord[]; total: number }> {
      const query = userQuery();
      if (filter.role !== undefined) query.where('role', filter.role);
      if (filter.disabled !== undefined) query.where('disabled', filter.disabled);
      for (const word of (filter.text ?? '').split(/\s+/u).filter(Boolean)) {
        const pattern = likePattern(word);
        query.where((q) => q.whereILike('username', pattern).orWhereILike('display_name', pattern).orWhereILike('email', pattern));
      }
      const [counted] = (await query.clone().clearSelect().count<{ total: string | number }[]>('* as total')) as [{ total: string | number }];
      const rows = await query.orderBy([{ column: 'username' }, { column: 'id' }]).limit(filter.limit).offset(filter.offset);
      return { items: rows.map(toUserRecord), total: Number(counted.total) };
    },

    findUser,

    /** Inserts the user, or names the field another user already holds (username, email, contact). */
    async insertUser(user: NewUser): Promise<{ readonly created: UserRecord } | { readonly taken: TakenField }> {
      try {
        const [created] = await db('users')
          .insert({ username: user.username, display_name: user.displayName, email: user.email, role: user.role, contact_id: user.contactId, password_hash: user.passwordHash })
          .returning<{ id: string }[]>('id');
        if (!created) throw new Error('user not created');
        const record = await findUser(created.id);
        if (!record) throw new Error('user not found after insert');
        return { created: record };
      } catch (error) {
        const field = takenField(error);
        if (field) return { taken: field };
        throw error;
      }
    },

    /** Changes what is given; undefined for an unknown user. */
    async updateUser(id: string, changes: UserChanges): Promise<UserRecord | undefined> {
      const values = {
        ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
      };
      if (Object.keys(values).length > 0) await db('users').where({ id }).update(values);
      return findUser(id);
    },

    /** The user's role; undefined for an unknown id (which must be a UUID). */
    async findRole(id: string): Promise<Role | undefined> {
      const row = await db('users').where({ id }).first<{ role: Role } | undefined>('role');
      return row?.role;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;

/** What a chat channel checks on every turn of a signed-in or linked user. */
export interface UserAccountStatus {
  readonly displayName: string;
  readonly disabled: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The chat channels' look-up of an account: its display name (what a transcript shows, rather than
 * the name a client sends) and whether it is disabled (a disabled user is refused at once, not when
 * a token expires). Kept apart from createUserRepository so it adds to this file without touching it.
 */
export function createUserAccountStatus(db: Database) {
  return {
    /** Undefined for an unknown user (or an id that is not a UUID). */
    async findAccountStatus(userId: string): Promise<UserAccountStatus | undefined> {
      if (!UUID.test(userId)) return undefined;
      const row = await db('users').where({ id: userId }).first<{ display_name: string; disabled: boolean } | undefined>('display_name', 'disabled');
      return row && { displayName: row.display_name, disabled: row.disabled };
    },
  };
}

export type UserAccountStatusRepository = ReturnType<typeof createUserAccountStatus>;
