import { CardFactory, type Attachment } from 'botbuilder';

/**
 * Building blocks of the Adaptive Cards (schema 1.3, what Web Chat and Teams render) the bot sends.
 * Every Action.Submit carries `{ action, caseNumber, … }`; bot/card-submissions.ts turns what comes
 * back into the same intent the typed command would give, after checking every field.
 */

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export type CardElement = Record<string, unknown>;

export function card(body: CardElement[], actions: CardElement[] = []): Attachment {
  return CardFactory.adaptiveCard({ type: 'AdaptiveCard', $schema: SCHEMA, version: '1.3', body, ...(actions.length ? { actions } : {}) });
}

export const text = (value: string, extra: CardElement = {}): CardElement => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

export const submit = (title: string, data: Record<string, unknown>): CardElement => ({ type: 'Action.Submit', title, data });

export function showCard(title: string, inputId: string, placeholder: string, data: Record<string, unknown>, submitTitle: string): CardElement {
  return {
    type: 'Action.ShowCard',
    title,
    card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: inputId, placeholder, isMultiline: true, maxLength: 2000 }], actions: [submit(submitTitle, data)] },
  };
}

/**
 * Each text box of a card has its own id: two inputs with one id make Web Chat drop the whole card
 * ("Duplicate Id"). The submission carries the action, so parseSubmission (bot/card-submissions.ts)
 * knows which to read.
 */
export function textInputId(action: string): string {
  return `${action}Text`;
}
