import { patched } from '@temporalio/workflow';
import { PRIORITIES } from '../../domain/case';
import { HOLD_STATUSES } from '../../domain/case-commands';
import * as messages from '../messages';
import { PATCHES } from '../patches';
import { refuse } from '../refusals';
import { setPriority, syncClocks } from '../sla-timers';
import { caseUpdate, requireOpenForWorker, requireText, requireWorker } from './case-update';

/** Status, priority and details: hold, resume, change priority, set product and subject. */

export const holdCase = caseUpdate(
  messages.holdCaseUpdate,
  (s, { actor, status, reason }) => {
    requireOpenForWorker(s, actor, 'put it on hold');
    if (!HOLD_STATUSES.includes(status)) refuse('InvalidInput', `status must be one of ${HOLD_STATUSES.join(', ')}`, { field: 'status' });
    if (s.status === status) refuse('IllegalTransition', `the case is already ${status.replaceAll('_', ' ')}`);
    requireText(reason, 'reason', 1_000);
  },
  (s, at, { status, reason }, effects) => {
    s.status = status;
    s.statusReason = reason;
    syncClocks(s, at, effects);
    // Added while cases were running: histories recorded before it replay without the notice.
    if (patched(PATCHES.customerToldOfProgress)) {
      // What the customer is asked for is theirs to read; why a case is on hold may be internal.
      effects.notify(s, `progress:${s.version + 1}`, 'status_change', { customer: true }, status === 'waiting_for_customer' ? { status, reason } : { status });
    }
    effects.changed(s);
  },
);

export const resumeCase = caseUpdate(
  messages.resumeCaseUpdate,
  (s, { actor }) => {
    requireWorker(s, actor, 'resume it');
    if (s.status !== 'on_hold' && s.status !== 'waiting_for_customer') refuse('IllegalTransition', `only a case on hold or waiting for the customer can resume (it is ${s.status})`);
  },
  (s, at, _command, effects) => {
    s.status = 'active';
    s.statusReason = 'in progress';
    syncClocks(s, at, effects);
    if (patched(PATCHES.customerToldOfProgress)) effects.notify(s, `progress:${s.version + 1}`, 'status_change', { customer: true }, { status: 'resumed' });
    effects.changed(s);
  },
);

export const changePriority = caseUpdate(
  messages.changePriorityUpdate,
  (s, { actor, priority }) => {
    requireOpenForWorker(s, actor, 'change its priority');
    if (!PRIORITIES.includes(priority)) refuse('InvalidInput', `priority must be one of ${PRIORITIES.join(', ')}`, { field: 'priority' });
    if (priority === s.priority) refuse('IllegalTransition', `the priority is already ${priority}`);
  },
  (s, at, { priority }, effects) => {
    setPriority(s, priority, at, effects);
    effects.changed(s);
  },
);

export const updateCaseDetails = caseUpdate(
  messages.updateCaseDetailsUpdate,
  (s, { actor, productId, subject }) => {
    requireOpenForWorker(s, actor, 'change it');
    if (productId === undefined && subject === undefined) refuse('InvalidInput', 'give a productId or a subject', { field: 'productId' });
    if (subject !== undefined && subject !== null && subject.length > 200) refuse('InvalidInput', 'subject must be at most 200 characters', { field: 'subject' });
  },
  (s, _at, { productId, subject }, effects) => {
    if (productId !== undefined) s.productId = productId;
    if (subject !== undefined) s.subject = subject;
    effects.changed(s);
  },
);

export const STATUS_CHANGES = [holdCase, resumeCase, changePriority, updateCaseDetails] as const;
