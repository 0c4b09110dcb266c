import type { Database } from '../../db/connection';
import { createUserRepository } from '../../db/repositories/user.repository';
import type { Actor } from '../../domain/actor';

/** The Actor a channel would build for a signed-in demo user. */
export async function actorFor(db: Database, username: string): Promise<Actor> {
  const actor = await createUserRepository(db).findActorByUsername(username);
  if (!actor) throw new Error(`no user ${username}`);
  return actor;
}
