import { missingSteps, nextStage, stageDefinition, stepDefinition, STEP_IDS } from '../../domain/process-flow';
import { stepFacts } from '../case-state';
import * as messages from '../messages';
import { refuse } from '../refusals';
import { caseUpdate, requireOpenForWorker } from './case-update';

/** The business process flow (domain/process-flow.ts): tick a step, advance the stage. */

export const completeStep = caseUpdate(
  messages.completeStepUpdate,
  (s, { actor, stepId }) => {
    requireOpenForWorker(s, actor, 'complete a step');
    if (!STEP_IDS.includes(stepId)) refuse('InvalidInput', `stepId must be one of ${STEP_IDS.join(', ')}`, { field: 'stepId' });
    const step = stepDefinition(stepId);
    if (step.completion !== 'agent') refuse('InvalidInput', `"${step.label}" completes by itself (${step.completion === 'derived' ? 'from the case details' : 'by resolving'})`, { field: 'stepId' });
    if (s.tickedSteps.includes(stepId)) refuse('IllegalTransition', `"${step.label}" is already complete`);
  },
  (s, _at, { stepId }, effects) => {
    s.tickedSteps.push(stepId);
    effects.changed(s);
  },
);

export const advanceStage = caseUpdate(
  messages.advanceStageUpdate,
  (s, { actor }) => {
    requireOpenForWorker(s, actor, 'advance the stage');
    const next = nextStage(s.stage);
    if (!next) refuse('IllegalTransition', `${stageDefinition(s.stage).label} is the last stage: resolve the case`);
    const missing = missingSteps(s.stage, stepFacts(s), s.tickedSteps);
    if (missing.length > 0) {
      refuse('IllegalTransition', `${stageDefinition(s.stage).label} is not finished: ${missing.map((m) => m.label).join('; ')}`, { missingSteps: missing.map((m) => m.id) });
    }
  },
  (s, at, { actor }, effects) => {
    const next = nextStage(s.stage)!;
    s.stage = next;
    s.stageHistory.push({ stage: next, enteredAt: at, byUserId: actor.userId });
    effects.changed(s);
  },
);

export const PROCESS_FLOW = [completeStep, advanceStage] as const;
