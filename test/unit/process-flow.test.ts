import { describe, expect, it } from 'vitest';
import { CASE_PROCESS_FLOW, isStepComplete, missingSteps, nextStage, stageDefinition, STEP_IDS, stepDefinition, type StepFacts } from '../../domain/process-flow';

const none: StepFacts = { productId: null, subject: null, activityCount: 0, linkedArticleCount: 0, knowledgeSearched: false };

describe('the case process flow', () => {
  it('is Identify, Research, Resolve with their steps', () => {
    expect(STEP_IDS).toEqual(['customer_confirmed', 'product_and_category_set', 'research_done', 'resolution_entered']);
    expect(CASE_PROCESS_FLOW).toEqual([
      {
        stage: 'identify',
        label: 'Identify',
        steps: [
          { id: 'customer_confirmed', label: 'Customer confirmed', completion: 'agent' },
          { id: 'product_and_category_set', label: 'Product and category set', completion: 'derived' },
        ],
      },
      { stage: 'research', label: 'Research', steps: [{ id: 'research_done', label: 'Knowledge searched or an activity logged', completion: 'derived' }] },
      { stage: 'resolve', label: 'Resolve', steps: [{ id: 'resolution_entered', label: 'Resolution text and type', completion: 'resolution' }] },
    ]);
  });

  it('stageDefinition finds a stage, and refuses an unknown one', () => {
    expect(stageDefinition('research').label).toBe('Research');
    expect(() => stageDefinition('closing' as never)).toThrow('no stage closing in the process flow');
  });

  it('stepDefinition finds a step with its stage, and refuses an unknown one', () => {
    expect(stepDefinition('research_done')).toEqual({ id: 'research_done', label: 'Knowledge searched or an activity logged', completion: 'derived', stage: 'research' });
    expect(stepDefinition('product_and_category_set').stage).toBe('identify');
    expect(() => stepDefinition('coffee' as never)).toThrow('no step coffee in the process flow');
  });

  it('nextStage goes forward and ends after Resolve', () => {
    expect(nextStage('identify')).toBe('research');
    expect(nextStage('research')).toBe('resolve');
    expect(nextStage('resolve')).toBeNull();
  });
});

describe('isStepComplete', () => {
  const step = (id: (typeof STEP_IDS)[number]) => stepDefinition(id);

  it('an agent step when ticked', () => {
    expect(isStepComplete(step('customer_confirmed'), none, [])).toBe(false);
    expect(isStepComplete(step('customer_confirmed'), none, ['customer_confirmed'])).toBe(true);
    expect(isStepComplete(step('resolution_entered'), none, ['customer_confirmed'])).toBe(false);
  });

  it('product and category: a product and a subject that is not blank', () => {
    const s = step('product_and_category_set');
    expect(isStepComplete(s, { ...none, productId: 'p', subject: 'Printing' }, [])).toBe(true);
    expect(isStepComplete(s, { ...none, productId: null, subject: 'Printing' }, [])).toBe(false);
    expect(isStepComplete(s, { ...none, productId: 'p', subject: null }, [])).toBe(false);
    expect(isStepComplete(s, { ...none, productId: 'p', subject: '  ' }, [])).toBe(false);
    // Derived: ticking it does nothing.
    expect(isStepComplete(s, none, ['product_and_category_set'])).toBe(false);
  });

  it('research: an activity, a linked article or a knowledge search', () => {
    const s = step('research_done');
    expect(isStepComplete(s, none, ['research_done'])).toBe(false);
    expect(isStepComplete(s, { ...none, activityCount: 1 }, [])).toBe(true);
    expect(isStepComplete(s, { ...none, linkedArticleCount: 1 }, [])).toBe(true);
    expect(isStepComplete(s, { ...none, knowledgeSearched: true }, [])).toBe(true);
  });
});

describe('missingSteps', () => {
  it('lists the stage\'s steps still to do', () => {
    expect(missingSteps('identify', none, []).map((s) => s.id)).toEqual(['customer_confirmed', 'product_and_category_set']);
    expect(missingSteps('identify', { ...none, productId: 'p', subject: 'x' }, ['customer_confirmed'])).toEqual([]);
    expect(missingSteps('research', none, []).map((s) => s.id)).toEqual(['research_done']);
  });

  it('never the resolution step: resolving does it', () => {
    expect(missingSteps('resolve', none, [])).toEqual([]);
  });
});
