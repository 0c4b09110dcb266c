import { patched } from '@temporalio/workflow';
import { isManager } from '../../domain/actor';
import { isOwner, isQueueMember } from '../../domain/case-permissions';
import { accessFacts } from '../case-state';
import * as messages from '../messages';
import { PATCHES } from '../patches';
import { refuse } from '../refusals';
import { caseUpdate, requireOpen, requireOpenForWorker, requireText } from './case-update';

/** Work-queue operations (DOMAIN.md): accept, dispatch, reject, transfer, assign, yank. */

export const acceptCase = caseUpdate(
  messages.acceptCaseUpdate,
  (s, { actor }) => {
    requireOpen(s, 'accept');
    if (!isQueueMember(actor, accessFacts(s))) refuse('NotAllowed', 'only members of the case\'s queue may accept it');
    if (s.ownerUserId === actor.userId) refuse('IllegalTransition', 'you already work this case');
    if (s.ownerUserId) refuse('IllegalTransition', 'another agent already works this case; a supervisor can yank it');
  },
  (s, _at, { actor }, effects) => {
    s.ownerUserId = actor.userId;
    // Added while cases were running: histories recorded before it replay without the notice.
    if (patched(PATCHES.customerToldOnAccept)) {
      effects.notify(s, `accepted:${s.version + 1}`, 'status_change', { customer: true }, { status: 'accepted', agent: actor.displayName });
    }
    effects.changed(s);
  },
);

export const dispatchCase = caseUpdate(
  messages.dispatchCaseUpdate,
  (s, { actor, queueId }) => {
    requireOpenForWorker(s, actor, 'dispatch', 'dispatch it');
    requireText(queueId, 'queueId', 100);
  },
  (s, _at, { queueId }, effects) => {
    s.ownerUserId = null;
    s.queueId = queueId;
    effects.changed(s);
  },
);

export const rejectCase = caseUpdate(
  messages.rejectCaseUpdate,
  (s, { actor, reason }) => {
    requireOpen(s, 'reject');
    if (!isQueueMember(actor, accessFacts(s))) refuse('NotAllowed', 'only members of the case\'s queue may reject it');
    if (s.ownerUserId) refuse('IllegalTransition', 'the case is being worked; dispatch it back to the queue first');
    if (!s.opening.openedByUserId) refuse('IllegalTransition', 'the case has no creator to return it to');
    requireText(reason, 'reason', 1_000);
  },
  (s, _at, { reason }, effects) => {
    s.queueId = null;
    s.ownerUserId = s.opening.openedByUserId;
    s.statusReason = `rejected: ${reason}`;
    effects.changed(s);
  },
);

export const transferCase = caseUpdate(
  messages.transferCaseUpdate,
  (s, { actor, queueId }) => {
    requireOpen(s, 'transfer');
    const facts = accessFacts(s);
    if (!isQueueMember(actor, facts) && !isOwner(actor, facts) && !isManager(actor)) refuse('NotAllowed', 'only members of the case\'s queue may transfer it');
    requireText(queueId, 'queueId', 100);
    if (queueId === s.queueId) refuse('IllegalTransition', 'the case is already in that queue');
  },
  (s, _at, { queueId }, effects) => {
    s.queueId = queueId;
    s.ownerUserId = null;
    if (patched(PATCHES.customerToldOfProgress)) effects.notify(s, `progress:${s.version + 1}`, 'status_change', { customer: true }, { status: 'transferred' });
    effects.changed(s);
  },
);

export const assignCase = caseUpdate(
  messages.assignCaseUpdate,
  (s, { actor, userId }) => {
    requireOpen(s, 'assign');
    if (!isManager(actor)) refuse('NotAllowed', 'only supervisors and administrators may assign a case');
    requireText(userId, 'userId', 100);
    if (s.ownerUserId === userId) refuse('IllegalTransition', 'the case is already assigned to that person');
  },
  (s, _at, { userId }, effects) => {
    s.ownerUserId = userId;
    effects.changed(s);
  },
);

export const yankCase = caseUpdate(
  messages.yankCaseUpdate,
  (s, { actor }) => {
    requireOpen(s, 'yank');
    if (!isManager(actor)) refuse('NotAllowed', 'only supervisors and administrators may yank a case');
    if (!s.ownerUserId) refuse('IllegalTransition', 'nobody works the case: there is nothing to yank');
  },
  (s, _at, _command, effects) => {
    s.ownerUserId = null;
    effects.changed(s);
  },
);

export const QUEUE_OPERATIONS = [acceptCase, dispatchCase, rejectCase, transferCase, assignCase, yankCase] as const;
