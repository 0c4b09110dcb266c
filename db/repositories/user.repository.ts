import type { Database } from '../connection';
import type { Actor, Role } from '../../domain/actor';

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
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
