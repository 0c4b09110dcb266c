/** Who performs an action. The channel (API, bot) authenticates the user and loads these facts. */
export const ROLES = ['customer', 'agent', 'supervisor', 'admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  readonly userId: string;
  readonly role: Role;
  readonly displayName: string;
  /** Queues the user is a member of (agents and supervisors). */
  readonly queueIds: readonly string[];
  /** For a customer: the contact they are, and its account. */
  readonly contactId: string | null;
  readonly accountId: string | null;
}

export function isStaff(actor: Actor): boolean {
  return actor.role === 'agent' || actor.role === 'supervisor' || actor.role === 'admin';
}

/** Supervisors and administrators may assign and yank (DOMAIN.md: Assign, Yank). */
export function isManager(actor: Actor): boolean {
  return actor.role === 'supervisor' || actor.role === 'admin';
}
