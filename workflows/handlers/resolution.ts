import { patched, uuid4 } from '@temporalio/workflow';
import { canWorkCase, isCaseCustomer, isQueueMember } from '../../domain/case-permissions';
import { RESOLUTION_TYPES } from '../../domain/case-commands';
import { termsToConsume } from '../../domain/entitlement';
import { cancelClock } from '../../domain/sla-clock';
import { stageDefinition } from '../../domain/process-flow';
import { accessFacts, openActivities } from '../case-state';
import * as messages from '../messages';
import { PATCHES } from '../patches';
import { refuse } from '../refusals';
import { caseWorkers, succeedAllClocks } from '../sla-timers';
import { caseUpdate, requireOpen, requireOpenForWorker, requireText } from './case-update';

/** Resolution (charging the entitlement once, the survey), cancellation and reopening. */

const plusMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export const resolveCase = caseUpdate(
  messages.resolveCaseUpdate,
  (s, { actor, resolutionText, resolutionType }) => {
    requireOpenForWorker(s, actor, 'resolve', 'resolve it');
    if (s.stage !== 'resolve') refuse('IllegalTransition', `the case is in ${stageDefinition(s.stage).label}: advance it to Resolve first`, { stage: s.stage });
    const open = openActivities(s);
    if (open.length > 0) {
      refuse('IllegalTransition', `complete the open activities first: ${open.map((a) => `"${a.subject}"`).join(', ')}`, { openActivities: open.map((a) => ({ id: a.id, subject: a.subject, type: a.type })) });
    }
    requireText(resolutionText, 'resolutionText');
    if (!RESOLUTION_TYPES.includes(resolutionType)) refuse('InvalidInput', `resolutionType must be one of ${RESOLUTION_TYPES.join(', ')}`, { field: 'resolutionType' });
  },
  (s, at, { actor, resolutionText, resolutionType }, effects) => {
    s.episode += 1;
    const totalMinutesSpent = s.activities.reduce((sum, a) => sum + a.minutesSpent, 0);
    const entitlement = s.entitlement;
    const charge = entitlement.kind === 'entitled'
      ? { entitlementId: entitlement.entitlementId, channel: s.opening.channel, terms: termsToConsume(entitlement.allocationType, s.episode, totalMinutesSpent - s.chargedMinutes) }
      : null;
    if (charge && entitlement.kind === 'entitled' && entitlement.allocationType === 'minutes') s.chargedMinutes += charge.terms;
    s.resolution = { episode: s.episode, text: resolutionText, type: resolutionType, resolvedAt: at, byUserId: actor.userId, totalMinutesSpent };
    s.status = 'resolved';
    s.statusReason = resolutionType;
    succeedAllClocks(s, at, effects);
    s.closesAt = plusMinutes(at, s.settings.reopenWindowMinutes);
    effects.enqueue({
      kind: 'resolution',
      input: {
        caseNumber: s.opening.caseNumber,
        episode: s.episode,
        resolutionActivityId: uuid4(),
        resolutionText,
        resolutionType,
        totalMinutesSpent,
        resolvedAt: at,
        resolvedByUserId: actor.userId,
        charge,
      },
    });
    if (patched(PATCHES.customerToldOfProgress)) {
      effects.notify(s, `resolved:${s.episode}`, 'status_change', { customer: true }, { status: 'resolved', text: resolutionText, resolutionType });
    }
    const expiresAt = plusMinutes(at, s.settings.surveyResponseMinutes);
    s.survey = { episode: s.episode, sentAt: at, expiresAt, answeredAt: null, rating: null, expired: false };
    effects.enqueue({ kind: 'survey', input: { caseNumber: s.opening.caseNumber, episode: s.episode, channel: s.opening.channel, sentAt: at, expiresAt } });
    effects.changed(s);
  },
);

export const cancelCase = caseUpdate(
  messages.cancelCaseUpdate,
  (s, { actor, reason }) => {
    requireOpen(s, 'cancel');
    if (!isCaseCustomer(actor, accessFacts(s)) && !canWorkCase(actor, accessFacts(s))) refuse('NotAllowed', 'only the customer, the case\'s owner or a supervisor may cancel it');
    requireText(reason, 'reason', 1_000);
  },
  (s, at, { reason }, effects) => {
    s.status = 'cancelled';
    s.statusReason = reason;
    const calendar = s.sla?.calendar ?? null;
    effects.updateKpis(s, (clock) => cancelClock(clock, calendar, at));
    s.closesAt = plusMinutes(at, s.settings.reopenWindowMinutes);
    effects.notify(s, `status:${s.version + 1}`, 'status_change', { customer: true, ...caseWorkers(s) }, { status: 'cancelled', reason });
    effects.changed(s);
  },
);

export const reopenCase = caseUpdate(
  messages.reopenCaseUpdate,
  (s, { actor, reason }) => {
    if (s.status !== 'resolved' && s.status !== 'cancelled') refuse('IllegalTransition', `only a resolved or cancelled case can be reopened (it is ${s.status})`, { status: s.status });
    const facts = accessFacts(s);
    if (!isCaseCustomer(actor, facts) && !canWorkCase(actor, facts) && !isQueueMember(actor, facts)) refuse('NotAllowed', 'only the customer or the case\'s agents may reopen it');
    requireText(reason, 'reason', 1_000);
  },
  (s, at, { reason }, effects) => {
    s.status = 'active';
    s.statusReason = `reopened: ${reason}`;
    s.resolution = null;
    s.closesAt = null;
    // The SLA was judged for the first episode; a reopened case keeps its KPI outcomes (README).
    effects.notify(s, `reopen:${s.version + 1}`, 'status_change', caseWorkers(s), { status: 'reopened', reason, at });
    effects.changed(s);
  },
);

export const RESOLUTION = [resolveCase, cancelCase, reopenCase] as const;
