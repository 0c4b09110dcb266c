import { allHandlersFinished, condition, continueAsNew, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CaseOpening } from '../domain/case';
import { caseView, DEFAULT_CASE_SETTINGS, openCaseState, type CaseSettings, type CaseState, type CaseView } from './case-state';
import { EffectQueue, loadCaseContext } from './effects';
import { CASE_UPDATE_HANDLERS, type CaseCommand, type CaseUpdateHandler } from './handlers';
import { requireActor } from './handlers/case-update';
import * as messages from './messages';
import { PATCHES } from './patches';
import { refuse } from './refusals';
import { CaseSearchIndex } from './search-attributes';
import { nextWake, onTime } from './sla-timers';

/** A new case, or one carried over by continue-as-new. */
export type CaseWorkflowInput =
  | { readonly kind: 'open'; readonly opening: CaseOpening; readonly settings?: Partial<CaseSettings> }
  | { readonly kind: 'continued'; readonly state: CaseState };

const now = (): string => new Date().toISOString();

/**
 * One workflow per case, from opening until it closes: entitlement, routing and SLA decided at
 * opening; the process flow and queue operations as Updates (workflows/handlers/); SLA warning and
 * failure as timers (sla-timers.ts); resolution charging the entitlement once; the survey; the
 * reopen window; then completion. Side effects run in order from the main loop (effects.ts: the
 * writes pending at once in one local activity); an Update returns once its changes are recorded,
 * and the opener's caseRecorded Update once the case's first write is done.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const workflowId = workflowInfo().workflowId;
  let state: CaseState | undefined = input.kind === 'continued' ? input.state : undefined;
  const effects = new EffectQueue();
  const searchIndex = new CaseSearchIndex(upsertSearchAttributes);
  let flushedVersion = state?.version ?? 0;

  const ready = (): CaseState => state ?? refuse('NotReady', 'the case is still being opened; try again in a moment');

  async function flush(): Promise<void> {
    const s = state;
    if (!s) return;
    // Added while cases were running: a case started before it never calls patched() (its settings
    // lack the flag), and histories recorded before it replay without upserts.
    if (s.settings.searchAttributes === true && patched(PATCHES.searchAttributes)) searchIndex.sync(s);
    await effects.flush(s, workflowId);
    flushedVersion = s.version;
  }

  /** Lets every running Update finish: they wait for their changes to be recorded. */
  async function drain(): Promise<void> {
    for (;;) {
      await flush();
      if (allHandlersFinished() && effects.pending.length === 0) return;
      await condition(() => effects.pending.length > 0 || allHandlersFinished());
    }
  }

  /** Validator first (nothing in history if refused), then the change, then wait until it is recorded. */
  function register(handler: CaseUpdateHandler): void {
    setHandler(
      handler.definition,
      async (command: CaseCommand) => {
        const s = ready();
        handler.apply(s, now(), command, effects);
        const version = s.version;
        await condition(() => flushedVersion >= version);
        return caseView(s, workflowId, now());
      },
      {
        validator: (command: CaseCommand) => {
          const s = ready();
          requireActor(command?.actor);
          handler.validate(s, command);
        },
      },
    );
  }

  for (const handler of CASE_UPDATE_HANDLERS) register(handler);
  // The opening's first write (version 1) done, or already done before (a repeat, a continued run).
  setHandler(messages.caseRecordedUpdate, async () => {
    await condition(() => state !== undefined && flushedVersion >= 1);
  });
  setHandler(messages.getCaseStateQuery, () => caseView(ready(), workflowId, now()));

  // ---- opening ----------------------------------------------------------------------------------
  if (input.kind === 'open') {
    const openedAt = new Date(workflowInfo().startTime).toISOString();
    const context = await loadCaseContext({ customer: input.opening.customer, today: openedAt.slice(0, 10) });
    const opened = openCaseState(input.opening, context, { ...DEFAULT_CASE_SETTINGS, ...input.settings }, openedAt);
    state = opened;
    effects.enqueue({ kind: 'record' });
    for (const clock of opened.kpis) effects.enqueue({ kind: 'kpi', kpi: clock.kpi });
    if (opened.entitlement.kind === 'exhausted' || opened.entitlement.kind === 'expired') {
      effects.notify(opened, 'flagged', 'case_flagged', { supervisors: true }, { reason: `entitlement ${opened.entitlement.kind}`, entitlementId: opened.entitlement.entitlementId });
    }
    // Time may have passed while the context loaded (or the worker was down): catch up.
    onTime(opened, now(), effects);
  }

  // ---- the main loop: perform effects in order, sleep until the next instant or message ------------
  const s = ready();
  for (;;) {
    await flush();
    if (s.status === 'closed') break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > s.settings.continueAsNewAfterEvents) {
      await drain();
      return continueAsNew<typeof caseWorkflow>({ kind: 'continued', state: s });
    }
    const next = nextWake(s);
    const wait = next === null ? null : Date.parse(next.at) - Date.parse(now());
    if (next === null || wait === null) await condition(() => effects.pending.length > 0);
    else if (wait > 0) await condition(() => effects.pending.length > 0, wait, { summary: `${next.what} at ${next.at}` });
    onTime(s, now(), effects);
  }
  await drain();
  return caseView(s, workflowId, now());
}
