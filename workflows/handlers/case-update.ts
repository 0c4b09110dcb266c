import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../../domain/actor';
import { canWorkCase } from '../../domain/case-permissions';
import { accessFacts, type CaseActivityItem, type CaseState, type CaseView } from '../case-state';
import type { CaseEffects } from '../effects';
import { refuse } from '../refusals';

/** Every agent or customer action carries the authenticated actor. */
export interface CaseCommand {
  readonly actor: Actor;
}

/**
 * One case action, an Update: `validate` refuses (nothing reaches history, the caller learns why);
 * `apply` changes the state and queues its effects. Both are plain functions of the state, so they
 * are unit-tested without a Temporal server; case.workflow.ts registers them.
 */
export interface CaseUpdateHandler<Command extends CaseCommand = CaseCommand> {
  readonly definition: UpdateDefinition<CaseView, [Command]>;
  validate(s: CaseState, command: Command): void;
  apply(s: CaseState, at: string, command: Command, effects: CaseEffects): void;
}

/** Declares a handler with its command type inferred from the Update definition. */
export function caseUpdate<Command extends CaseCommand>(
  definition: UpdateDefinition<CaseView, [Command]>,
  validate: (s: CaseState, command: Command) => void,
  apply: (s: CaseState, at: string, command: Command, effects: CaseEffects) => void,
): CaseUpdateHandler<Command> {
  return { definition, validate, apply };
}

// ---- guards shared by the validators ------------------------------------------------------------

export function requireActor(actor: Actor | undefined): void {
  if (!actor || typeof actor.userId !== 'string' || !actor.userId) refuse('NotAllowed', 'the action has no authenticated user');
}

export function requireOpen(s: CaseState, action: string): void {
  if (s.status === 'resolved' || s.status === 'cancelled' || s.status === 'closed') {
    refuse('IllegalTransition', `cannot ${action}: the case is ${s.status}`, { status: s.status });
  }
}

/** The case is open and the actor works it (its owner or a supervisor). */
export function requireOpenForWorker(s: CaseState, actor: Actor, action: string, doing = action): void {
  requireOpen(s, action);
  requireWorker(s, actor, doing);
}

export function requireWorker(s: CaseState, actor: Actor, action: string): void {
  if (!canWorkCase(actor, accessFacts(s))) {
    refuse('NotAllowed', `only the case's owner or a supervisor may ${action}${s.ownerUserId ? '' : ' (accept the case first)'}`);
  }
}

export function requireText(value: string, field: string, max = 10_000): void {
  if (typeof value !== 'string' || value.trim() === '') refuse('InvalidInput', `${field} must not be empty`, { field });
  if (value.length > max) refuse('InvalidInput', `${field} must be at most ${max} characters`, { field });
}

export function requireMinutes(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) refuse('InvalidInput', 'minutesSpent must be a whole number from 0 to 1440', { field: 'minutesSpent' });
}

/** An activity logged now by `userId`: closed at once unless `open` (a task still to do). */
export function newActivity(
  id: string,
  at: string,
  userId: string,
  fields: Pick<CaseActivityItem, 'type' | 'subject' | 'body' | 'direction' | 'minutesSpent'> & { readonly open?: boolean; readonly dueAt?: string | null },
): CaseActivityItem {
  const open = fields.open ?? false;
  return {
    id,
    type: fields.type,
    subject: fields.subject,
    body: fields.body,
    direction: fields.direction,
    state: open ? 'open' : 'closed',
    minutesSpent: fields.minutesSpent,
    dueAt: fields.dueAt ?? null,
    createdAt: at,
    closedAt: open ? null : at,
    createdByUserId: userId,
  };
}
