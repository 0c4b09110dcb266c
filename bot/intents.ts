import { normaliseCaseNumber, TYPED_CASE_NUMBER } from '../domain/case-number';

/**
 * The bot's small intent matcher: a pure function from what the user typed to an intent and its
 * entities. Deliberately rule-based (ordered regular expressions over normalised text), so every
 * phrasing it understands is listed here and covered by test/bot/intents.test.ts.
 */

export const INTENTS = [
  'help',
  'greeting',
  'openCase',
  'myCases',
  'status',
  'addInfo',
  'cancelCase',
  'reopen',
  'surveyAnswer',
  'myQueues',
  'takeNext',
  'accept',
  'showCase',
  'completeStep',
  'advance',
  'products',
  'logActivity',
  'searchKnowledge',
  'sendArticle',
  'reply',
  'hold',
  'resume',
  'transfer',
  'dispatch',
  'reject',
  'resolve',
  'setDetails',
  'assign',
  'yank',
  'atRisk',
  'link',
  'linkCode',
  'unlink',
  'whoAmI',
  'none',
] as const;
export type Intent = (typeof INTENTS)[number];

export type ActivityKind = 'phone_call' | 'email' | 'task' | 'appointment' | 'note';

export interface Entities {
  readonly caseNumber?: string;
  readonly articleNumber?: string;
  /** Free text the action carries: the problem, the reply, the reason, the search query. */
  readonly text?: string;
  readonly minutes?: number;
  readonly rating?: number;
  readonly queue?: string;
  readonly user?: string;
  readonly activityType?: ActivityKind;
  readonly step?: 'customer_confirmed';
  readonly holdStatus?: 'on_hold' | 'waiting_for_customer';
  readonly product?: string;
  readonly subject?: string;
  readonly code?: string;
  /**
   * The text describes a problem without asking for a new case ("it is still offline"): with an
   * open case in the conversation it is more information for that case, not a new one.
   */
  readonly described?: boolean;
}

export interface IntentMatch {
  readonly intent: Intent;
  readonly entities: Entities;
}

/** Longest text the bot reads; anything longer is refused before matching. */
export const MAX_TEXT_CHARS = 4_000;

const ARTICLE_NUMBER = /\bKA[-\s]?(\d{4,7})\b/i;

export function normaliseArticleNumber(text: string): string | undefined {
  const match = ARTICLE_NUMBER.exec(text);
  return match?.[1] ? `KA-${match[1].padStart(5, '0')}` : undefined;
}

/** What is left of `text` once the case number and the leading command words are gone. */
function rest(text: string, command: RegExp): string | undefined {
  const stripped = text
    .replace(TYPED_CASE_NUMBER, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(command, '')
    .replace(/^[\s:,.\-–—]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return stripped === '' ? undefined : stripped;
}

function withCase(intent: Intent, text: string, extra: Entities = {}): IntentMatch {
  const caseNumber = normaliseCaseNumber(text);
  return { intent, entities: { ...(caseNumber ? { caseNumber } : {}), ...extra } };
}

function defined<T extends object>(entities: T): T {
  return Object.fromEntries(Object.entries(entities).filter(([, v]) => v !== undefined)) as T;
}

const RATING_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };

const MINUTES = /(\d{1,4})\s*(?:min(?:ute)?s?|m)\b|(\d{1,2}(?:\.\d+)?)\s*(?:h|hrs?|hours?)\b/i;

function minutesIn(text: string): number | undefined {
  const match = MINUTES.exec(text);
  if (!match) return undefined;
  if (match[1]) return Number(match[1]);
  return match[2] ? Math.round(Number(match[2]) * 60) : undefined;
}

const ACTIVITY_WORDS: readonly [RegExp, ActivityKind][] = [
  [/\b(?:phone\s*)?call(?:ed)?\b|\bphoned?\b/i, 'phone_call'],
  [/\be-?mail(?:ed)?\b/i, 'email'],
  [/\btask\b/i, 'task'],
  [/\b(?:appointment|meeting|visit)\b/i, 'appointment'],
  [/\bnote\b/i, 'note'],
];

/** Problems a customer describes in their own words ("my printer is broken"). */
const PROBLEM =
  /\b(?:broken|not working|doesn'?t work|does not work|won'?t|can'?t|cannot|unable|fail(?:s|ed|ing)?|error|crash(?:es|ed|ing)?|stopped|problem|issue|trouble|offline|down|stuck|locked out|help me with)\b/i;

export function matchIntent(input: string): IntentMatch {
  const text = input.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  if (lower === '') return { intent: 'none', entities: {} };

  // Help and greetings.
  if (/^(?:help|\?|menu|commands|options|what can (?:you|i) do\??|how does this work\??|start over)$/i.test(text)) return { intent: 'help', entities: {} };
  if (/^(?:hi|hello|hey|good (?:morning|afternoon|evening)|hallo|yo)\b[!. ]*$/i.test(text)) return { intent: 'greeting', entities: {} };

  // Identity.
  if (/^(?:who am i|whoami)\??$/i.test(text)) return { intent: 'whoAmI', entities: {} };
  if (/^(?:unlink|sign out|log out|logout)$/i.test(text)) return { intent: 'unlink', entities: {} };
  if (/^(?:link code|get (?:a )?link code|new link code)$/i.test(text)) return { intent: 'linkCode', entities: {} };
  {
    const m = /^link\s+(?:me\s+)?(?:as\s+|to\s+)?(\S+)$/i.exec(text);
    if (m?.[1]) return { intent: 'link', entities: { code: m[1] } };
  }

  // Survey answers: a bare 1–5, "5 stars", "rate 4 great service", "rating: 3".
  {
    const m = /^(?:(?:rate|rating|score|survey)\s*:?\s*(?:CAS[-\s]?\d+\s*)?)?([1-5]|one|two|three|four|five)(?:\s*(?:\/\s*5|stars?|out of 5))?(?:\s*[-:,.]\s*|\s+)?(.*)$/i.exec(text);
    const word = m?.[1]?.toLowerCase();
    const startsWithRate = /^(?:rate|rating|score|survey)\b/i.test(text);
    const bare = /^([1-5]|one|two|three|four|five)(?:\s*(?:\/\s*5|stars?|out of 5))?[.!]?$/i.test(text);
    const starred = /^[1-5]\s*(?:\/\s*5|stars?|out of 5)\b/i.test(text);
    if (m && word && (startsWithRate || bare || starred)) {
      const rating = RATING_WORDS[word] ?? Number(word);
      const comment = (m[2] ?? '').trim();
      return withCase('surveyAnswer', text, defined({ rating, text: comment === '' ? undefined : comment }));
    }
  }

  // Supervisors.
  if (/\b(?:at[-\s]risk|sla (?:risk|breach(?:es)?|warnings?)|breaching|overdue)\b/i.test(text) && !/^(?:reply|resolve)\b/i.test(text)) {
    return { intent: 'atRisk', entities: {} };
  }
  {
    const m = /^assign\s+(?:CAS[-\s]?\d+\s+)?(?:to\s+)?(.+?)(?:\s+(?:to\s+)?(CAS[-\s]?\d+))?$/i.exec(text);
    if (m) {
      const caseNumber = normaliseCaseNumber(text);
      const user = (m[1] ?? '').replace(TYPED_CASE_NUMBER, '').replace(/^to\s+/i, '').trim();
      return { intent: 'assign', entities: defined({ caseNumber, user: user === '' ? undefined : user }) };
    }
  }
  if (/^(?:yank|pull back|take back|unassign)\b/i.test(text)) return withCase('yank', text);

  // Agents: queues and taking work.
  if (/^(?:(?:show |list )?(?:my )?queues?|what'?s (?:waiting|in my queues?)|queue counts?)\??$/i.test(text)) return { intent: 'myQueues', entities: {} };
  if (/^(?:(?:take|get|give me|grab|pick(?: up)?)(?: the)? next(?: case)?|next(?: case)?|next one)\b/i.test(text)) return { intent: 'takeNext', entities: {} };
  if (/^(?:accept|take|pick up|claim)\b/i.test(text) && TYPED_CASE_NUMBER.test(text)) return withCase('accept', text);
  if (/^(?:show|open|view|details?(?: of)?|card(?: for)?)\s+(?:case\s+)?CAS[-\s]?\d+/i.test(text)) return withCase('showCase', text);
  if (/^(?:complete|tick|check|mark|done)(?: the)?(?: step)?\b.*\b(?:customer|confirm(?:ed)?|identity)\b|^confirm(?:ed)?(?: the)? customer\b|^customer confirmed$/i.test(text)) {
    return withCase('completeStep', text, { step: 'customer_confirmed' });
  }
  if (/^(?:complete|tick)(?: the)? step\b/i.test(text)) return withCase('completeStep', text);
  if (/^(?:advance|next stage|move (?:on|to (?:the )?next stage)|go to (?:the )?next stage|promote)\b/i.test(text)) return withCase('advance', text);
  // The product catalogue: the codes "set product …" takes.
  if (/^(?:(?:list|show|see|view)\s+(?:me\s+)?)?(?:(?:the|all|your)\s+)?(?:products?|product\s+(?:codes?|list|catalogue|catalog))\??$/i.test(text) || /^(?:what|which)\s+products?(?:\s+codes?)?\s+(?:are\s+there|(?:do|can)\s+(?:you|we|i)\s+(?:have|choose|pick|use|set)|exist|are\s+available)\??$/i.test(text)) {
    return { intent: 'products', entities: {} };
  }
  {
    const m = /^set\s+(product|subject|category)\s*(?:to\s+)?(?:CAS[-\s]?\d+\s*)?[:=]?\s*(.+)$/i.exec(text);
    if (m?.[1] && m[2]) {
      const value = m[2].replace(TYPED_CASE_NUMBER, '').trim();
      return withCase('setDetails', text, m[1].toLowerCase() === 'product' ? { product: value } : { subject: value });
    }
  }
  if (/^(?:log|record|add)\s+(?:an?\s+)?(?:(?:phone\s*)?call|email|e-mail|task|appointment|meeting|note|activity|time)\b/i.test(text)) {
    const kind = ACTIVITY_WORDS.find(([re]) => re.test(text.split(/\s+/).slice(1, 3).join(' ')))?.[1] ?? 'note';
    const minutes = minutesIn(text);
    const body = rest(text.replace(MINUTES, ''), /^(?:log|record|add)\s+(?:an?\s+)?(?:phone\s*call|call|email|e-mail|task|appointment|meeting|note|activity|time)\b(?:\s*(?:of|for))?/i);
    return withCase('logActivity', text, defined({ activityType: kind, minutes, text: body?.replace(/^(?:for|of|:)\s*/i, '') || undefined }));
  }
  {
    const m = /^(?:search|find|look up|lookup|kb|knowledge)\s*(?:the\s+)?(?:knowledge(?:\s+base)?|kb|articles?)?\s*(?:for)?\s*[:]?\s*(.*)$/i.exec(text);
    if (m && /^(?:search|find|look ?up|kb|knowledge)\b/i.test(text) && !/^find my cases?\b/i.test(text)) {
      const q = (m[1] ?? '').trim();
      return { intent: 'searchKnowledge', entities: defined({ text: q === '' ? undefined : q }) };
    }
  }
  if (/^(?:send|share|link)\b.*\bKA[-\s]?\d+/i.test(text)) {
    return withCase('sendArticle', text, defined({ articleNumber: normaliseArticleNumber(text) }));
  }
  if (/^(?:reply|respond|answer|tell (?:the )?customer|message (?:the )?customer)\b/i.test(text)) {
    return withCase('reply', text, defined({ text: rest(text, /^(?:reply|respond|answer|tell (?:the )?customer|message (?:the )?customer)(?:\s+to)?(?:\s+customer)?(?:\s+(?:with|that))?/i) }));
  }
  if (/^(?:put\s+)?(?:on\s+)?hold\b|^(?:wait(?:ing)? (?:for|on) (?:the )?customer)\b|^pause\b/i.test(text)) {
    const waiting = /wait(?:ing)? (?:for|on) (?:the )?customer/i.test(text);
    return withCase(
      'hold',
      text,
      defined<Entities>({
        holdStatus: waiting ? 'waiting_for_customer' : 'on_hold',
        text: rest(text, /^(?:put\s+)?(?:on\s+)?hold(?:\s+(?:case|on))?|^wait(?:ing)? (?:for|on) (?:the )?customer|^pause/i)?.replace(/^(?:because|as|since)\s+/i, ''),
      }),
    );
  }
  if (/^(?:resume|unhold|take off hold|continue|reactivate)\b/i.test(text)) return withCase('resume', text);
  {
    const m = /^(transfer|move|route|dispatch|send)\b(?:\s+(?:case\s+)?CAS[-\s]?\d+)?\s+to\s+(?:the\s+)?(.+?)(?:\s+queue)?$/i.exec(text);
    if (m?.[1] && m[2] && !ARTICLE_NUMBER.test(text)) {
      const queue = m[2].replace(TYPED_CASE_NUMBER, '').replace(/\s+queue$/i, '').trim();
      return withCase(/^dispatch$/i.test(m[1]) ? 'dispatch' : 'transfer', text, { queue });
    }
  }
  if (/^reject\b/i.test(text)) return withCase('reject', text, defined({ text: rest(text, /^reject(?:\s+case)?(?:\s+because)?/i) }));
  if (/^(?:resolve|solve|close|mark (?:as )?(?:resolved|solved|done))\b/i.test(text)) {
    return withCase('resolve', text, defined({ text: rest(text, /^(?:resolve|solve|close|mark (?:as )?(?:resolved|solved|done))(?:\s+case)?(?:\s+(?:with|as))?/i) }));
  }

  // Customers (and anyone) about their cases.
  if (/^(?:(?:show |list |see |view |find )?my (?:open )?(?:cases|tickets|requests)|cases|my case list)\??$/i.test(text)) return { intent: 'myCases', entities: {} };
  if (/^(?:cancel|withdraw|nevermind|never mind|stop|quit|abort)\b/i.test(text)) {
    return withCase('cancelCase', text, defined({ text: rest(text, /^(?:cancel|withdraw|nevermind|never mind|stop|quit|abort)(?:\s+(?:my\s+)?case)?(?:\s+because)?/i) }));
  }
  if (/^(?:reopen|re-open|open again|it'?s (?:broken|happening) again|still (?:broken|not working))\b/i.test(text)) {
    return withCase('reopen', text, defined({ text: rest(text, /^(?:reopen|re-open|open again)(?:\s+case)?(?:\s+because)?/i) }));
  }
  if (/^(?:add|more)\s+(?:info(?:rmation)?|details?|a note|note|comment)\b|^(?:update|note)\s+(?:to\s+)?CAS/i.test(text)) {
    return withCase('addInfo', text, defined({ text: rest(text, /^(?:add|more|update|note)(?:\s+(?:info(?:rmation)?|details?|a note|note|comment))?(?:\s+(?:to|on|for))?(?:\s+(?:my\s+)?case)?/i) }));
  }
  if (TYPED_CASE_NUMBER.test(text) && /\b(?:status|state|progress|update|how is|how'?s|what'?s|where is|any news|check|show)\b|^CAS[-\s]?\d+\??$/i.test(text)) {
    return withCase('status', text);
  }
  if (TYPED_CASE_NUMBER.test(text) && /^(?:accept)\b/i.test(text)) return withCase('accept', text);

  // Opening a case.
  if (/^(?:new|open|create|raise|log|file|start|submit)\s+(?:a\s+)?(?:new\s+)?(?:case|ticket|request|support request|issue)\b|^i (?:have|got|need|'?ve got) (?:a |an )?(?:problem|issue|question|help)|^(?:report|contact support|i need help|need help|help me|support)\b/i.test(text)) {
    const description = rest(text, /^(?:new|open|create|raise|log|file|start|submit)\s+(?:a\s+)?(?:new\s+)?(?:case|ticket|request|support request|issue)(?:\s+(?:about|for))?|^(?:report|contact support|i need help|need help|help me|support)(?:\s+with)?/i);
    const generic = /^i (?:have|got|need|'?ve got) (?:a |an )?(?:problem|issue|question|help)[.!]?$/i.test(text);
    return { intent: 'openCase', entities: defined({ text: generic ? undefined : description }) };
  }
  // "what's the status of my case?", "any news on my Outlook problem?": the customer's open cases.
  if (/^(?:status|my case|how is my case|any news)\??$/i.test(text) || /\b(?:status|news|update|progress)\b.*\b(?:my|the|our)\b.*\b(?:case|ticket|problem|issue|request)s?\b/i.test(text)) {
    return { intent: 'status', entities: {} };
  }
  if (PROBLEM.test(text) && text.split(' ').length >= 2) return { intent: 'openCase', entities: { text, described: true } };
  if (TYPED_CASE_NUMBER.test(text)) return withCase('status', text);

  // Anything else worth reading (a sentence, not a stray word) is a description too.
  if (text.split(/\s+/).length >= 3) return { intent: 'none', entities: { text, described: true } };
  return { intent: 'none', entities: {} };
}
