import { CardFactory, type Attachment } from 'botbuilder';
import type { ArticleHit } from '../../db/repositories/knowledge.repository';
import type { CaseView } from '../../workflows/case-state';
import { normaliseCaseNumber } from '../../domain/case-number';
import { normaliseArticleNumber, type IntentMatch } from '../intents';

/**
 * Adaptive Cards (schema 1.3, what Web Chat and Teams render) the bot sends. Every Action.Submit
 * carries `{ action, caseNumber, … }`; `parseSubmission` turns what comes back into the same
 * intent the typed command would give, after checking every field.
 */

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
type CardElement = Record<string, unknown>;

function card(body: CardElement[], actions: CardElement[] = []): Attachment {
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: SCHEMA, version: '1.3', body, ...(actions.length ? { actions } : {}) });
}

const text = (value: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

const submit = (title: string, data: Record<string, unknown>): CardElement => ({ type: 'Action.Submit', title, data });

function showCard(title: string, inputId: string, placeholder: string, data: Record<string, unknown>, submitTitle: string): CardElement {
  return {
    type: 'Action.ShowCard',
    title,
    card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: inputId, placeholder, isMultiline: true, maxLength: 2000 }], actions: [submit(submitTitle, data)] },
  };
}

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  on_hold: 'On hold',
  waiting_for_customer: 'Waiting for customer',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
  closed: 'Closed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function formatInstant(iso: string | null | undefined, timeZone = 'UTC'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const formatted = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(date);
  return `${formatted}${timeZone === 'UTC' ? ' UTC' : ''}`;
}

export interface CaseCardOptions {
  /** Staff see work actions; customers see theirs. */
  readonly staff: boolean;
  readonly ownerName?: string | null;
  readonly queueName?: string | null;
  readonly timeZone?: string;
}

/** The case: status, stage progress (Identify → Research → Resolve), the current stage's required steps, and actions. */
export function caseCard(view: CaseView, options: CaseCardOptions): Attachment {
  const caseNumber = view.caseNumber;
  const open = view.status === 'active' || view.status === 'on_hold' || view.status === 'waiting_for_customer';
  const firstResponse = view.kpis.find((k) => k.kpi === 'first_response');
  const resolve = view.kpis.find((k) => k.kpi === 'resolve');
  const facts = [
    { title: 'Status', value: statusLabel(view.status) },
    { title: 'Priority', value: view.priority },
    ...(options.queueName ? [{ title: 'Queue', value: options.queueName }] : []),
    { title: 'Owner', value: options.ownerName ?? (view.ownerUserId ? 'assigned' : 'nobody yet') },
    ...(firstResponse ? [{ title: 'First response', value: firstResponse.succeededAt ? 'done' : `by ${formatInstant(firstResponse.failureAt, options.timeZone)} (${firstResponse.status})` }] : []),
    ...(resolve && open ? [{ title: 'Resolve by', value: `${formatInstant(resolve.failureAt, options.timeZone)} (${resolve.status})` }] : []),
  ];
  const progress = view.stages.map((s) => {
    const index = view.stages.findIndex((x) => x.current);
    const mine = view.stages.indexOf(s);
    const mark = s.current ? '▶' : mine < index || view.status === 'resolved' ? '✔' : '○';
    return { type: 'Column', width: 'stretch', items: [text(`${mark} ${s.label}`, { weight: s.current ? 'Bolder' : 'Default', horizontalAlignment: 'Center' })] };
  });
  const current = view.stages.find((s) => s.current);
  const steps = (current?.steps ?? []).map((step) => text(`${step.done ? '☑' : '☐'} ${step.label}`, { spacing: 'Small' }));

  const data = (action: string, extra: Record<string, unknown> = {}) => ({ action, caseNumber, ...extra });
  const actions: CardElement[] = [];
  if (options.staff && open) {
    if (!view.ownerUserId) actions.push(submit('Accept', data('accept')));
    const confirm = current?.steps.find((s) => s.id === 'customer_confirmed' && !s.done);
    if (confirm) actions.push(submit('Customer confirmed', data('completeStep', { stepId: 'customer_confirmed' })));
    if (view.stage !== 'resolve') actions.push(submit('Advance stage', data('advanceStage')));
    if (view.status === 'active') actions.push(submit('Hold', data('hold')));
    else actions.push(submit('Resume', data('resume')));
    actions.push(showCard('Reply', textInputId('reply'), 'Your reply to the customer', data('reply'), 'Send reply'));
    if (view.stage === 'resolve') actions.push(showCard('Resolve', textInputId('resolve'), 'Resolution', data('resolve'), 'Resolve case'));
  } else if (!options.staff) {
    if (open) {
      actions.push(showCard('Add information', textInputId('addInfo'), 'What should the agent know?', data('addInfo'), 'Send'));
      actions.push(showCard('Cancel case', textInputId('cancelCase'), 'Why? (optional)', data('cancelCase'), 'Cancel the case'));
    } else if (view.status === 'resolved' || view.status === 'cancelled') {
      actions.push(showCard('Reopen', textInputId('reopen'), 'What is still wrong?', data('reopen'), 'Reopen the case'));
    }
  }

  const body: CardElement[] = [
    text(`${caseNumber} · ${view.title}`, { size: 'Medium', weight: 'Bolder' }),
    { type: 'FactSet', facts },
    { type: 'ColumnSet', columns: progress, spacing: 'Medium' },
    ...(steps.length && open ? [text(`Required in ${current?.label ?? 'this stage'}:`, { weight: 'Bolder', spacing: 'Small' }), ...steps] : []),
    ...(view.resolution ? [text(`Resolution: ${view.resolution.text}`)] : []),
  ];
  return card(body, actions);
}

/**
 * Each text box of a card has its own id: two inputs with one id make Web Chat drop the whole card
 * ("Duplicate Id"). The submission carries the action, so parseSubmission knows which to read.
 */
function textInputId(action: string): string {
  return `${action}Text`;
}

/** The satisfaction survey: 1–5 stars and a comment. */
export function surveyCard(caseNumber: string, title: string): Attachment {
  return card(
    [
      text(`How did we do on ${caseNumber} · ${title}?`, { weight: 'Bolder' }),
      {
        type: 'Input.ChoiceSet',
        id: 'rating',
        label: 'Your rating',
        style: 'expanded',
        // Web Chat refuses to render a required input without a label and an error message.
        isRequired: true,
        errorMessage: 'Please pick 1 to 5 stars.',
        choices: [5, 4, 3, 2, 1].map((n) => ({ title: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n}`, value: String(n) })),
      },
      { type: 'Input.Text', id: 'comment', placeholder: 'Anything to add? (optional)', isMultiline: true, maxLength: 2000 },
    ],
    [submit('Send', { action: 'answerSurvey', caseNumber })],
  );
}

function plain(snippet: string): string {
  return snippet
    .replace(/<\/?mark>/g, '**')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Knowledge articles; for an agent working a case, each with "Send to customer". */
export function articlesCard(heading: string, hits: readonly ArticleHit[], sendFor?: string): Attachment {
  const body: CardElement[] = [text(heading, { weight: 'Bolder' })];
  for (const hit of hits) {
    body.push({
      type: 'Container',
      separator: true,
      items: [text(`${hit.articleNumber} · ${hit.title}`, { weight: 'Bolder' }), text(plain(hit.snippet), { isSubtle: true, spacing: 'Small' })],
    });
    if (sendFor) body.push({ type: 'ActionSet', actions: [submit(`Send ${hit.articleNumber} to the customer`, { action: 'sendArticle', caseNumber: sendFor, articleNumber: hit.articleNumber })] });
  }
  return card(body);
}

/** Outcome of reading a card submission: an intent to run, or why it was refused. */
export type Submission = { readonly ok: true; readonly match: IntentMatch } | { readonly ok: false; readonly reason: string };

const MAX_FIELD = 2_000;

function field(value: Record<string, unknown>, name: string): string | undefined {
  const v = value[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/**
 * Checks a card's submitted value. Every action needs a well-formed case number of its own (a
 * card never falls back to "the current case"); unknown actions and missing, malformed or
 * over-long fields are refused. Whether the caller may act on the case is the services' call.
 */
export function parseSubmission(value: unknown): Submission {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'That button sent nothing I can use.' };
  const v = value as Record<string, unknown>;
  const action = field(v, 'action');
  const rawCase = field(v, 'caseNumber');
  const caseNumber = rawCase && /^CAS-\d{4,7}$/i.test(rawCase) ? normaliseCaseNumber(rawCase) : undefined;
  if (!action) return { ok: false, reason: 'That button sent nothing I can use.' };
  if (!caseNumber) return { ok: false, reason: 'That button did not say which case it is for.' };
  for (const name of [textInputId(action), 'comment']) {
    const t = v[name];
    if (t !== undefined && (typeof t !== 'string' || t.length > MAX_FIELD)) return { ok: false, reason: `The text must be at most ${MAX_FIELD} characters.` };
  }
  const textValue = field(v, textInputId(action));
  const withText = (intent: IntentMatch['intent'], required: boolean, what: string): Submission => {
    if (required && !textValue) return { ok: false, reason: `Please type ${what} before pressing the button.` };
    return { ok: true, match: { intent, entities: { caseNumber, ...(textValue ? { text: textValue } : {}) } } };
  };
  switch (action) {
    case 'showCase':
    case 'accept':
    case 'resume':
      return { ok: true, match: { intent: action, entities: { caseNumber } } };
    case 'advanceStage':
      return { ok: true, match: { intent: 'advance', entities: { caseNumber } } };
    case 'hold':
      return { ok: true, match: { intent: 'hold', entities: { caseNumber, holdStatus: 'on_hold' } } };
    case 'completeStep':
      if (field(v, 'stepId') !== 'customer_confirmed') return { ok: false, reason: 'That step cannot be ticked by hand.' };
      return { ok: true, match: { intent: 'completeStep', entities: { caseNumber, step: 'customer_confirmed' } } };
    case 'reply':
      return withText('reply', true, 'your reply');
    case 'resolve':
      return withText('resolve', true, 'the resolution');
    case 'addInfo':
      return withText('addInfo', true, 'the information');
    case 'cancelCase':
      return withText('cancelCase', false, 'a reason');
    case 'reopen':
      return withText('reopen', false, 'a reason');
    case 'sendArticle': {
      const raw = field(v, 'articleNumber');
      const articleNumber = raw && /^KA-\d{4,7}$/i.test(raw) ? normaliseArticleNumber(raw) : undefined;
      if (!articleNumber) return { ok: false, reason: 'That button did not name an article.' };
      return { ok: true, match: { intent: 'sendArticle', entities: { caseNumber, articleNumber } } };
    }
    case 'answerSurvey': {
      const rating = field(v, 'rating');
      if (!rating || !/^[1-5]$/.test(rating)) return { ok: false, reason: 'Please pick 1 to 5 stars before sending.' };
      const comment = field(v, 'comment');
      return { ok: true, match: { intent: 'surveyAnswer', entities: { caseNumber, rating: Number(rating), ...(comment ? { text: comment } : {}) } } };
    }
    default:
      return { ok: false, reason: 'I don\'t know that button.' };
  }
}
