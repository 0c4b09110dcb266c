import type { Database } from '../../db/connection';
import type { Actor, Role } from '../../domain/actor';

/** The Actor a channel would build for a signed-in user: role, queues, and contact for a customer. */
export async function actorFor(db: Database, username: string): Promise<Actor> {
  const user = await db('users as u')
    .leftJoin('contacts as c', 'c.id', 'u.contact_id')
    .where('u.username', username)
    .first<{ id: string; role: Role; display_name: string; contact_id: string | null; account_id: string | null } | undefined>(
      'u.id',
      'u.role',
      'u.display_name',
      'u.contact_id',
      'c.account_id',
    );
  if (!user) throw new Error(`no user ${username}`);
  const queues = await db('queue_members').where({ user_id: user.id }).pluck<string[]>('queue_id');
  return {
    userId: user.id,
    role: user.role,
    displayName: user.display_name,
    queueIds: queues,
    contactId: user.contact_id,
    accountId: user.account_id,
  };
}
