import { describe, expect, it } from 'vitest';
import { explanation } from '../../bot/help-texts';
import { UnavailableError, ValidationError } from '../../services/errors';

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
});
