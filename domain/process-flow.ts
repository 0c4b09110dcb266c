import type { Stage } from './case';

/**
 * The case-resolution business process flow (Identify → Research → Resolve) as data: each stage's
 * required steps and how each is completed. Handlers consult it; they do not encode it.
 */
export const STEP_IDS = ['customer_confirmed', 'product_and_category_set', 'research_done', 'resolution_entered'] as const;
export type StepId = (typeof STEP_IDS)[number];

/**
 * - `agent`: the agent ticks it (completeStep).
 * - `derived`: it follows from the case itself (facts below), so nobody ticks it by hand.
 * - `resolution`: satisfied by the resolve action, which carries the resolution text and type.
 */
export type StepCompletion = 'agent' | 'derived' | 'resolution';

export interface StepDefinition {
  readonly id: StepId;
  readonly label: string;
  readonly completion: StepCompletion;
}

export interface StageDefinition {
  readonly stage: Stage;
  readonly label: string;
  readonly steps: readonly StepDefinition[];
}

export const CASE_PROCESS_FLOW: readonly StageDefinition[] = [
  {
    stage: 'identify',
    label: 'Identify',
    steps: [
      { id: 'customer_confirmed', label: 'Customer confirmed', completion: 'agent' },
      { id: 'product_and_category_set', label: 'Product and category set', completion: 'derived' },
    ],
  },
  {
    stage: 'research',
    label: 'Research',
    steps: [{ id: 'research_done', label: 'Knowledge searched or an activity logged', completion: 'derived' }],
  },
  {
    stage: 'resolve',
    label: 'Resolve',
    steps: [{ id: 'resolution_entered', label: 'Resolution text and type', completion: 'resolution' }],
  },
];

/** What derived steps are computed from. */
export interface StepFacts {
  readonly productId: string | null;
  readonly subject: string | null;
  readonly activityCount: number;
  readonly linkedArticleCount: number;
  readonly knowledgeSearched: boolean;
}

export function stageDefinition(stage: Stage): StageDefinition {
  const definition = CASE_PROCESS_FLOW.find((d) => d.stage === stage);
  if (!definition) throw new Error(`no stage ${stage} in the process flow`);
  return definition;
}

export function stepDefinition(id: StepId): StepDefinition & { readonly stage: Stage } {
  for (const definition of CASE_PROCESS_FLOW) {
    const step = definition.steps.find((s) => s.id === id);
    if (step) return { ...step, stage: definition.stage };
  }
  throw new Error(`no step ${id} in the process flow`);
}

export function isStepComplete(step: StepDefinition, facts: StepFacts, ticked: readonly StepId[]): boolean {
  switch (step.id) {
    case 'product_and_category_set':
      return facts.productId !== null && facts.subject !== null && facts.subject.trim() !== '';
    case 'research_done':
      return facts.activityCount > 0 || facts.linkedArticleCount > 0 || facts.knowledgeSearched;
    default:
      return ticked.includes(step.id);
  }
}

/** The steps of `stage` still to do before it may be left (resolution steps are done by resolving). */
export function missingSteps(stage: Stage, facts: StepFacts, ticked: readonly StepId[]): StepDefinition[] {
  return stageDefinition(stage).steps.filter((step) => step.completion !== 'resolution' && !isStepComplete(step, facts, ticked));
}

export function nextStage(stage: Stage): Stage | null {
  const index = CASE_PROCESS_FLOW.findIndex((d) => d.stage === stage);
  return CASE_PROCESS_FLOW[index + 1]?.stage ?? null;
}
