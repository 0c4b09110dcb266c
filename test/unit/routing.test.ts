import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, PRIORITIES } from '../../domain/case';
import type { RoutingConditions, RoutingRule } from '../../domain/case-context';
import { CUSTOMER_TIERS } from '../../domain/customer';
import { containsWord, routeCase, validateRoutingConditions, type RoutingFacts } from '../../domain/routing';

const rule = (id: string, position: number, conditions: RoutingConditions, queueId = `q-${id}`): RoutingRule => ({
  id,
  name: `rule ${id}`,
  position,
  conditions,
  queueId,
});

const facts = (overrides: Partial<RoutingFacts> = {}): RoutingFacts => ({
  customerTier: 'standard',
  channel: 'email',
  priority: 'normal',
  productId: null,
  text: 'Printer jams',
  ...overrides,
});

describe('routeCase', () => {
  const rules = [
    rule('billing', 20, { subjectKeywords: ['invoice', 'credit card'] }, 'billing'),
    rule('gold', 10, { customerTier: ['gold'] }, 'gold'),
    rule('urgent-phone', 30, { channel: ['phone'], priority: ['urgent', 'high'] }, 'hotline'),
    rule('printers', 40, { productId: ['p-printer'] }, 'printers'),
  ];

  it.each([
    ['a gold customer goes to the gold queue', facts({ customerTier: 'gold' }), 'gold'],
    ['gold wins over billing by position, though listed after it', facts({ customerTier: 'gold', text: 'Wrong invoice' }), 'gold'],
    ['a keyword sends it to billing', facts({ text: 'Wrong INVOICE amount' }), 'billing'],
    ['a multi-word keyword matches', facts({ text: 'my Credit\n card was charged twice' }), 'billing'],
    ['every listed condition must match', facts({ channel: 'phone', priority: 'normal' }), 'default'],
    ['all conditions matching routes it', facts({ channel: 'phone', priority: 'high' }), 'hotline'],
    ['product condition', facts({ productId: 'p-printer' }), 'printers'],
    ['a case without a product never matches a product rule', facts({ productId: null }), 'default'],
    ['nothing matches: the default queue', facts(), 'default'],
  ])('%s', (_name, given, queueId) => {
    expect(routeCase(rules, given, 'default').queueId).toBe(queueId);
  });

  it('names the rule that matched, and none for the default', () => {
    expect(routeCase(rules, facts({ customerTier: 'gold' }), 'default')).toEqual({ queueId: 'gold', ruleId: 'gold', ruleName: 'rule gold' });
    expect(routeCase(rules, facts(), null)).toEqual({ queueId: null, ruleId: null, ruleName: null });
  });

  it('empty conditions match everything; equal positions fall back to id order', () => {
    const catchAll = [rule('b', 1, {}), rule('a', 1, {})];
    expect(routeCase(catchAll, facts(), 'default').ruleId).toBe('a');
  });

  it('does not reorder the rules it is given', () => {
    const given = [...rules];
    routeCase(given, facts(), null);
    expect(given).toEqual(rules);
  });

  const factsArb = fc.record({
    customerTier: fc.constantFrom(...CUSTOMER_TIERS),
    channel: fc.constantFrom(...CHANNELS),
    priority: fc.constantFrom(...PRIORITIES),
    productId: fc.option(fc.constantFrom('p1', 'p2'), { nil: null }),
    text: fc.constantFrom('', 'invoice', 'refund please', 'Invoiced'),
  });
  const conditionsArb: fc.Arbitrary<RoutingConditions> = fc.record(
    {
      customerTier: fc.subarray([...CUSTOMER_TIERS], { minLength: 1 }),
      channel: fc.subarray([...CHANNELS], { minLength: 1 }),
      priority: fc.subarray([...PRIORITIES], { minLength: 1 }),
      productId: fc.subarray(['p1', 'p2'], { minLength: 1 }),
      subjectKeywords: fc.subarray(['invoice', 'refund'], { minLength: 1 }),
    },
    { requiredKeys: [] },
  );
  const rulesArb = fc.array(
    fc.record({ id: fc.string({ minLength: 1 }), name: fc.string(), position: fc.integer({ min: -5, max: 5 }), conditions: conditionsArb, queueId: fc.string() }),
  );

  it('always returns a rule from the list or the default, and no matching rule comes before it', () => {
    fc.assert(
      fc.property(rulesArb, factsArb, (list, given) => {
        const decision = routeCase(list, given, 'default');
        const matching = list.filter((r) => routeCase([r], given, 'default').ruleId !== null);
        if (decision.ruleId === null) {
          expect(decision.queueId).toBe('default');
          expect(matching).toEqual([]);
        } else {
          const chosen = list.find((r) => r.id === decision.ruleId && r.queueId === decision.queueId);
          expect(chosen).toBeDefined();
          expect(matching.every((r) => r.position >= chosen!.position)).toBe(true);
        }
      }),
    );
  });

  it('does not depend on the order of the array', () => {
    fc.assert(
      fc.property(rulesArb, factsArb, (list, given) => {
        // Unique ids, as in the database: (position, id) then orders the rules totally.
        const unique = list.map((r, i) => ({ ...r, id: `${i}-${r.id}` }));
        expect(routeCase([...unique].reverse(), given, null)).toEqual(routeCase(unique, given, null));
      }),
    );
  });
});

describe('containsWord', () => {
  it.each([
    ['Wrong invoice amount', 'invoice', true],
    ['INVOICE', 'Invoice', true],
    ['invoice.', 'invoice', true],
    ['(invoice)', 'invoice', true],
    ['I was invoiced twice', 'invoice', false], // whole words only
    ['reinvoice', 'invoice', false],
    ['invoice2', 'invoice', false], // digits are word characters
    ['my credit card', 'credit card', true],
    ['my credit   card', 'credit  card', true],
    ['my creditcard', 'credit card', false],
    ['Problème de facturación', 'facturación', true],
    ['FACTURACIÓN pendiente', 'facturación', true], // case-insensitive beyond ASCII
    ['facturaciónes', 'facturación', false],
    ['PROBLÈME', 'problème', true],
    ['proble\u0300me', 'problème', true], // decomposed accent, NFC-normalised
    ['problèmes', 'problème', false],
    ['need c++ help', 'c++', true],
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false], // regex characters are literal
    ['anything', '   ', false],
  ])('%j contains %j: %s', (text, keyword, expected) => {
    expect(containsWord(text, keyword)).toBe(expected);
  });
});

describe('validateRoutingConditions', () => {
  it('accepts and cleans valid conditions', () => {
    expect(validateRoutingConditions({})).toEqual({});
    expect(
      validateRoutingConditions({
        customerTier: ['gold'],
        channel: ['email', 'web'],
        priority: ['urgent'],
        productId: ['p1'],
        subjectKeywords: ['  credit   card '],
      }),
    ).toEqual({ customerTier: ['gold'], channel: ['email', 'web'], priority: ['urgent'], productId: ['p1'], subjectKeywords: ['credit card'] });
  });

  it.each([
    [null, /conditions must be an object/],
    [['gold'], /conditions must be an object/],
    [{ tier: ['gold'] }, /tier is not a routing condition/],
    [{ customerTier: 'gold' }, /customerTier must be a list/],
    [{ customerTier: [] }, /customerTier must list at least one value/],
    [{ customerTier: ['platinum'] }, /customerTier\[0\] must be one of gold, silver, standard/],
    [{ channel: ['email', 'fax'] }, /channel\[1\] must be one of/],
    [{ priority: ['critical'] }, /priority\[0\] must be one of/],
    [{ productId: [42] }, /productId\[0\] must be a string/],
    [{ productId: [''] }, /productId\[0\] must not be empty/],
    [{ subjectKeywords: ['ok', '  '] }, /subjectKeywords\[1\] must not be empty/],
  ])('rejects %j', (input, message) => {
    expect(() => validateRoutingConditions(input)).toThrow(message);
  });
});

describe('routeCase: each condition and the order of rules', () => {
  it('a channel condition that does not match skips the rule', () => {
    const rules = [rule('email-only', 1, { channel: ['email'] }, 'mail')];
    expect(routeCase(rules, facts({ channel: 'phone' }), 'default').queueId).toBe('default');
    expect(routeCase(rules, facts({ channel: 'email' }), 'default').queueId).toBe('mail');
  });

  it('ties in position go to the lowest id, whatever the order given', () => {
    const tied = [rule('r3', 5, {}), rule('r1', 5, {}), rule('r2', 5, {}), rule('r0', 6, {})];
    const orders = [tied, [tied[1]!, tied[0]!, tied[2]!, tied[3]!], [tied[2]!, tied[1]!, tied[0]!, tied[3]!], [tied[3]!, tied[2]!, tied[0]!, tied[1]!], [...tied].reverse()];
    for (const order of orders) expect(routeCase(order, facts(), null).ruleId).toBe('r1');
  });
});

describe('containsWord: empty keywords', () => {
  it('an empty or blank keyword matches nothing, not even blank text', () => {
    for (const text of ['', ' ', 'a - b', 'Invoice #12']) {
      expect(containsWord(text, '')).toBe(false);
      expect(containsWord(text, '   ')).toBe(false);
    }
  });
});

describe('validateRoutingConditions: shape', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['a string', 'gold'],
  ])('refuses %s as conditions', (_name, input) => {
    expect(() => validateRoutingConditions(input)).toThrow(new Error('Invalid routing conditions: conditions must be an object'));
  });

  it('skips a field given as undefined', () => {
    expect(validateRoutingConditions({ channel: undefined, priority: ['high'] })).toEqual({ priority: ['high'] });
  });
});
