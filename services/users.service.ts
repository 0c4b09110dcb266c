import { hashPassword } from '../db/password-hash';
import type { DirectoryRepository } from '../db/repositories/directory.repository';
import type { SignInAuditRepository, SignInFilter, SignInRecord } from '../db/repositories/sign-in-audit.repository';
import type { TakenField, UserChanges, UserFilter, UserRecord, UserRepository } from '../db/repositories/user.repository';
import type { Actor, Role } from '../domain/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors';

/** The shortest password an administrator may give a new user. */
export const PASSWORD_MIN_LENGTH = 12;

export interface UsersServiceDependencies {
  readonly users: Pick<UserRepository, 'listUsers' | 'findUser' | 'insertUser' | 'updateUser'>;
  readonly contacts: Pick<DirectoryRepository, 'findContact'>;
  readonly signIns: Pick<SignInAuditRepository, 'list'>;
  /** db/password-hash.ts hashPassword; tests may pass a cheaper one. */
  readonly hashPassword?: (password: string) => Promise<string>;
}

export interface NewUserRequest {
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  readonly role: Role;
  readonly password: string;
  /** Required for a customer (the contact they sign in as), refused for staff. */
  readonly contactId?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface UsersService {
  list(actor: Actor, filter: UserFilter): Promise<Page<UserRecord>>;
  get(actor: Actor, userId: string): Promise<UserRecord>;
  create(actor: Actor, request: NewUserRequest): Promise<UserRecord>;
  update(actor: Actor, userId: string, changes: UserChanges): Promise<UserRecord>;
  /** The sign-in record, newest first. */
  signIns(actor: Actor, filter: SignInFilter): Promise<Page<SignInRecord>>;
}

const TAKEN: Readonly<Record<TakenField, string>> = {
  username: 'another user has this username',
  email: 'another user has this email address',
  contactId: 'this contact already has a sign-in',
};

/** Administrators manage who may sign in: users, their roles, and whether they are disabled. */
export function createUsersService(deps: UsersServiceDependencies): UsersService {
  const hash = deps.hashPassword ?? hashPassword;

  function requireAdmin(actor: Actor): void {
    if (actor.role !== 'admin') throw new ForbiddenError(`managing users needs the role admin (you are ${actor.role})`);
  }

  async function existing(userId: string): Promise<UserRecord> {
    const user = await deps.users.findUser(userId);
    if (!user) throw new NotFoundError(`no user has the id ${userId}`);
    return user;
  }

  /** A customer is a contact's sign-in; staff belong to no contact. */
  async function checkContact(role: Role, contactId: string | undefined): Promise<void> {
    if (role !== 'customer') {
      if (contactId !== undefined) throw new ValidationError('only a customer user belongs to a contact; leave it out for staff', 'contactId');
      return;
    }
    if (contactId === undefined) throw new ValidationError('is required for a customer user: the contact they sign in as', 'contactId');
    if (!(await deps.contacts.findContact(contactId))) throw new ValidationError(`no contact with id ${contactId}`, 'contactId');
  }

  function checkRoleChange(user: UserRecord, role: Role): void {
    if (role === user.role) return;
    // The user's state, not the request, rules it out: a conflict (the document cannot say which users are customers).
    if (user.role === 'customer') throw new ConflictError('role: a customer user stays a customer: it is the sign-in of a contact', { field: 'role' });
    if (role === 'customer') throw new ValidationError('a staff user cannot become a customer: create a customer user for the contact instead', 'role');
  }

  return {
    async list(actor, filter) {
      requireAdmin(actor);
      const { items, total } = await deps.users.listUsers(filter);
      return { items, total, limit: filter.limit, offset: filter.offset };
    },

    async get(actor, userId) {
      requireAdmin(actor);
      return existing(userId);
    },

    async create(actor, request) {
      requireAdmin(actor);
      if (request.password.length < PASSWORD_MIN_LENGTH) throw new ValidationError(`must be at least ${PASSWORD_MIN_LENGTH} characters`, 'password');
      await checkContact(request.role, request.contactId);
      const result = await deps.users.insertUser({
        username: request.username,
        displayName: request.displayName,
        email: request.email.toLowerCase(),
        role: request.role,
        contactId: request.contactId ?? null,
        passwordHash: await hash(request.password),
      });
      if ('taken' in result) throw new ConflictError(`${result.taken}: ${TAKEN[result.taken]}`, { field: result.taken });
      return result.created;
    },

    async update(actor, userId, changes) {
      requireAdmin(actor);
      // An administrator cannot lock themself out, nor leave the system without the admin they are.
      if (userId === actor.userId) {
        if (changes.disabled === true) throw new ValidationError('you may not disable your own account', 'disabled');
        if (changes.role !== undefined && changes.role !== 'admin') throw new ValidationError('you may not remove your own admin role', 'role');
      }
      const user = await existing(userId);
      if (changes.role !== undefined) checkRoleChange(user, changes.role);
      const updated = await deps.users.updateUser(userId, changes);
      if (!updated) throw new NotFoundError(`no user has the id ${userId}`);
      return updated;
    },

    async signIns(actor, filter) {
      requireAdmin(actor);
      const { items, total } = await deps.signIns.list(filter);
      return { items, total, limit: filter.limit, offset: filter.offset };
    },
  };
}
