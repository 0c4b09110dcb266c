/**
 * Routing rules (DOMAIN.md, "Routing"): put a new case into the right queue from its customer tier,
 * channel, priority, product and subject. Pure: the case workflow calls it with facts loaded by an
 * activity, so the decision is recorded in the workflow's history.
 */
import { CHANNELS, PRIORITIES, type Channel, type Priority } from './case';
import type { RoutingConditions, RoutingRule } from './case-context';
import { CUSTOMER_TIERS, type CustomerTier } from './customer';

export interface RoutingFacts {
  readonly customerTier: CustomerTier;
  readonly channel: Channel;
  readonly priority: Priority;
  readonly productId: string | null;
  /** Title, description and subject, joined; searched for subjectKeywords. */
  readonly text: string;
}

export interface RoutingDecision {
  readonly queueId: string | null;
  /** Null when no rule matched and the default queue (possibly none) was used. */
  readonly ruleId: string | null;
  readonly ruleName: string | null;
}

/** Rules are tried in ascending position (ties by id, so the order never depends on the array); the first match wins. */
export function routeCase(rules: readonly RoutingRule[], facts: RoutingFacts, defaultQueueId: string | null): RoutingDecision {
  const ordered = [...rules].sort((a, b) => a.position - b.position || compareStrings(a.id, b.id));
  const rule = ordered.find((candidate) => matches(candidate.conditions, facts));
  return rule
    ? { queueId: rule.queueId, ruleId: rule.id, ruleName: rule.name }
    : { queueId: defaultQueueId, ruleId: null, ruleName: null };
}

function matches(conditions: RoutingConditions, facts: RoutingFacts): boolean {
  const { customerTier, channel, priority, productId, subjectKeywords } = conditions;
  if (customerTier && !customerTier.includes(facts.customerTier)) return false;
  if (channel && !channel.includes(facts.channel)) return false;
  if (priority && !priority.includes(facts.priority)) return false;
  // A case without a product never matches a rule that asks for one.
  if (productId && (facts.productId === null || !productId.includes(facts.productId))) return false;
  if (subjectKeywords && !subjectKeywords.some((keyword) => containsWord(facts.text, keyword))) return false;
  return true;
}

/** Letters (with their combining marks) and digits make up words; anything else separates them. */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]';

/**
 * Whether `keyword` occurs in `text` as whole words, ignoring case: "invoice" matches "Invoice #12"
 * but not "invoiced". A multi-word keyword ("credit card") matches across any run of whitespace.
 * Both sides are NFC-normalised so an accented letter typed either way (U+00E9, or "e" + U+0301) matches.
 */
export function containsWord(text: string, keyword: string): boolean {
  const words = keyword.normalize('NFC').trim().split(/\s+/u).filter((word) => word !== '');
  if (words.length === 0) return false;
  // Escape only regex syntax characters: with the u flag any other escape (say \-) is an error.
  const body = words.map((word) => word.replace(/[\\^$.*+?()[\]{}|/]/gu, '\\$&')).join('\\s+');
  return new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, 'iu').test(text.normalize('NFC'));
}

const CONDITION_FIELDS: Readonly<Record<keyof RoutingConditions, readonly string[] | null>> = {
  customerTier: CUSTOMER_TIERS,
  channel: CHANNELS,
  priority: PRIORITIES,
  productId: null,
  subjectKeywords: null,
};

/**
 * Checks routing conditions as stored (JSON) or entered by an administrator, and returns a clean
 * copy. Throws an Error naming the bad field. An empty list is rejected too: it would make the
 * rule match nothing, which is never what was meant (omit the field to match anything).
 */
export function validateRoutingConditions(input: unknown): RoutingConditions {
  const fail = (field: string, problem: string): never => {
    throw new Error(`Invalid routing conditions: ${field} ${problem}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('conditions', 'must be an object');
  // Plain strings here; each was checked against its field's allowed values (CONDITION_FIELDS).
  const result: Record<string, readonly string[]> = {};
  for (const [field, value] of Object.entries(input as Record<string, unknown>)) {
    if (!Object.hasOwn(CONDITION_FIELDS, field)) fail(field, 'is not a routing condition');
    if (value === undefined) continue;
    if (!Array.isArray(value)) fail(field, 'must be a list');
    const list = value as unknown[];
    if (list.length === 0) fail(field, 'must list at least one value (omit it to match any)');
    const allowed = CONDITION_FIELDS[field as keyof RoutingConditions];
    result[field] = list.map((item, i) => {
      if (typeof item !== 'string') return fail(`${field}[${i}]`, `must be a string, got ${JSON.stringify(item)}`);
      if (allowed && !allowed.includes(item)) return fail(`${field}[${i}]`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(item)}`);
      const cleaned = field === 'subjectKeywords' ? item.trim().replace(/\s+/gu, ' ') : item;
      if (cleaned === '') return fail(`${field}[${i}]`, 'must not be empty');
      return cleaned;
    });
  }
  return result;
}

/** Code-unit order, as `<` gives: locale-independent, so the same on every worker. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
