import { describe, expect, it } from 'vitest';
import { explanation } from '../../bot/help-texts';
import { ConflictError, UnavailableError, ValidationError } from '../../services/errors';

describe('what the bot says when a case cannot answer', () => {
  it('an outage: nothing changed, try again in a minute', () => {
    expect(explanation(new UnavailableError('The database is unavailable. Try again shortly.'), 'CAS-01000')?.text).toBe(
      "I can't reach CAS-01000 right now. Nothing was changed: please try again in a minute.",
    );
  });

  it('a case that did not answer in time: it may still go through, look before retrying', () => {
    expect(explanation(new UnavailableError('did not answer', 5, true), 'CAS-01000')?.text).toContain('may still go through: type "show CAS-01000"');
  });

  it('bad input names what was wrong', () => {
    expect(explanation(new ValidationError('must not contain a NUL character (\\u0000)', 'text'), undefined)?.text).toBe(
      "That didn't work: must not contain a NUL character (\\u0000). Type \"help\" for examples.",
    );
  });

  it('a stage that cannot be left yet says what each missing step takes: Identify needs both a product and a subject', () => {
    const refusal = new ConflictError('Identify is not finished: Product and category set', { missingSteps: ['product_and_category_set'] });
    expect(explanation(refusal, 'CAS-01000')?.text).toBe(
      'CAS-01000 isn\'t ready for that: Identify is not finished: Product and category set. To finish the stage: both a product and a subject are needed: type "set product PRN-100" and "set subject Printing" ("products" lists the product codes).',
    );
  });

  it('a refusal that names no step points to the case card', () => {
    expect(explanation(new ConflictError('the case is already assigned to that person'), 'CAS-01000')?.text).toBe(
      'CAS-01000 isn\'t ready for that: the case is already assigned to that person. Type "show CAS-01000" to see its stage and steps.',
    );
  });
});
