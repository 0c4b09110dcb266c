import { isManager, type Actor } from '../../../../../domain/actor';
import { canWorkCase, isOwner, isQueueMember, type CaseAccessFacts } from '../../../../../domain/case-permissions';

/**
 * What the signed-in person may do to the case now, by the same rules the case's workflow checks
 * (domain/case-permissions.ts, imported as is): the page shows only these actions, and the
 * workflow still decides (a refusal comes back with its reasons).
 */
export interface CasePermissions {
  /** Take the case from its queue (members of the queue, nobody owns it). */
  readonly accept: boolean;
  /** Work the case: reply, notes and activities, steps, resolve, pause, priority, dispatch, cancel (its owner, a supervisor). */
  readonly work: boolean;
  /** Send it back to its creator (members of the queue, nobody owns it). */
  readonly reject: boolean;
  readonly transfer: boolean;
  /** Give it to a person (supervisors, administrators). */
  readonly assign: boolean;
  /** Take it back from whoever works it (supervisors, administrators). */
  readonly yank: boolean;
  readonly reopen: boolean;
  /** A supervisor or administrator: the page shows the managing tools. */
  readonly manages: boolean;
}

const OPEN = ['active', 'on_hold', 'waiting_for_customer'];

/** `me`: the signed-in person (GET /auth/me has the same shape as an Actor). */
export function casePermissions(me: Actor, facts: CaseAccessFacts & { readonly status: string }): CasePermissions {
  const open = OPEN.includes(facts.status);
  const staff = me.role === 'agent' || me.role === 'supervisor' || me.role === 'admin';
  const member = isQueueMember(me, facts);
  const works = canWorkCase(me, facts);
  const manages = staff && isManager(me);
  return {
    accept: open && facts.ownerUserId === null && member,
    work: open && works,
    reject: open && facts.ownerUserId === null && member,
    transfer: open && (member || isOwner(me, facts) || manages),
    assign: open && manages,
    yank: open && manages && facts.ownerUserId !== null,
    reopen: (facts.status === 'resolved' || facts.status === 'cancelled') && (works || member),
    manages,
  };
}
