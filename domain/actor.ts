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

/** The roles that work cases: they can own one, and be assigned one. */
export const STAFF_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
/** Supervisors and administrators may assign and yank (DOMAIN.md: Assign, Yank). */
export const MANAGER_ROLES: readonly Role[] = ['supervisor', 'admin'];
/** Those who inspect a case's workflow history. */
export const OPERATOR_ROLES: readonly Role[] = ['operator', 'supervisor', 'admin'];

export function isStaffRole(role: string): boolean {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

export function isStaff(actor: Actor): boolean {
  return isStaffRole(actor.role);
}

export function isManager(actor: Actor): boolean {
  return MANAGER_ROLES.includes(actor.role);
}
