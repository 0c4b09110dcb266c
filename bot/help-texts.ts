import { isManager, isStaff, type Actor } from '../domain/actor';
import { STEP_IDS, type StepId } from '../domain/process-flow';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from '../services/errors';

/**
 * What the bot says to help: the commands each role can type, and the explanations that turn a
 * refusal or a failure into what to type next. Replies that belong to one command stay with it
 * (bot/commands/).
 */

export const CUSTOMER_HELP = [
  '**new case** (or just describe the problem, e.g. "my printer is broken")',
  '**my cases**',
  '**status CAS-01000**',
  '**add info CAS-01000: …**',
  '**cancel CAS-01000** / **reopen CAS-01000**',
  '**rate 5** (answer the survey)',
];
export const AGENT_HELP = [
  '**my queues**, **take next**, **accept CAS-01000**, **show CAS-01000**',
  '**confirm customer**, then **set product PRN-100** and **set subject Printing** (Identify needs both; **products** lists the codes), **advance**',
  '**log call 15 min …**, **search knowledge printer offline**, **send KA-01002**',
  '**reply …**, **hold …**, **resume**, **transfer to Standard support**, **dispatch to …**, **reject …**',
  '**resolve …** (in the Resolve stage)',
];
export const SUPERVISOR_HELP = ['**assign CAS-01000 to gina**, **yank CAS-01000**, **at-risk cases**'];

/** Who the bot takes the user for, and what they can type. */
export function helpText(actor: Actor | undefined): string {
  const lines = actor && isStaff(actor) ? [...AGENT_HELP, ...(isManager(actor) ? SUPERVISOR_HELP : [])] : CUSTOMER_HELP;
  const who = actor ? `You are ${actor.displayName} (${actor.role}).` : 'I don\'t know who you are yet: you can still open a case, or type "link" and your link code (for example "link K7Q2M9XW") to link this chat to your account.';
  return `${who} You can type:\n\n${lines.map((l) => `- ${l}`).join('\n')}`;
}

/** The suggested actions offered with the help text. */
export function helpSuggestions(actor: Actor | undefined): string[] {
  if (actor && isStaff(actor)) return isManager(actor) ? ['my queues', 'take next', 'at-risk cases', 'help'] : ['my queues', 'take next', 'help'];
  return ['new case', 'my cases', 'help'];
}

/** A reply's text and the suggested actions offered with it. */
export interface ReplyText {
  readonly text: string;
  readonly suggestions?: readonly string[];
}

/** A service failure as what to do next; undefined for anything else (that goes to the adapter's turn error). */
export function explanation(error: unknown, caseNumber: string | undefined): ReplyText | undefined {
  const which = caseNumber ?? 'that case';
  if (error instanceof NotFoundError) return { text: `I can't find ${which}. Type "my cases" to see the cases you can open.`, suggestions: ['my cases', 'help'] };
  if (error instanceof ForbiddenError) return { text: `You can't do that on ${which}: ${error.message}. Type "show ${which}" to see what you can do.` };
  if (error instanceof ConflictError) {
    const todo = missingStepsOf(error.details).map((step) => STEP_HOW[step]);
    const next = todo.length > 0 ? `To finish the stage: ${todo.join('; ')}.` : `Type "show ${which}" to see its stage and steps.`;
    return { text: `${which} isn't ready for that: ${error.message}. ${next}` };
  }
  if (error instanceof ValidationError) return { text: `That didn't work: ${error.message}. Type "help" for examples.` };
  if (error instanceof UnavailableError) {
    return error.mayStillHappen
      ? { text: `${which} is taking longer than usual to answer, so I can't confirm that yet. It may still go through: type "show ${which}" in a minute before trying again.` }
      : { text: `I can't reach ${which} right now. Nothing was changed: please try again in a minute.` };
  }
  return undefined;
}

/** What to type for each step a stage refuses to be left without. */
export const STEP_HOW: Record<StepId, string> = {
  customer_confirmed: 'type "confirm customer"',
  product_and_category_set: 'both a product and a subject are needed: type "set product PRN-100" and "set subject Printing" ("products" lists the product codes)',
  research_done: 'search the knowledge base ("search knowledge …"), send an article ("send KA-01002") or log an activity ("log call 15 min …")',
  resolution_entered: 'type "resolve" and the resolution',
};

/** The steps a refusal names (the workflow's `missingSteps` detail), in the flow's order; none when it names none. */
function missingStepsOf(details: unknown): StepId[] {
  if (typeof details !== 'object' || details === null || !('missingSteps' in details) || !Array.isArray(details.missingSteps)) return [];
  const named = new Set<unknown>(details.missingSteps);
  return STEP_IDS.filter((step) => named.has(step));
}

/** The "products" command's reply. */
export const PRODUCTS_TEXT = {
  none: 'There are no active products.',
  heading: (staff: boolean) => (staff ? 'Products (type "set product" and a code, e.g. "set product PRN-100"; Identify also needs "set subject …"):' : 'Products:'),
} as const;

/** A command about a case, typed without one and with no current case. */
export function whichCase(example: string): string {
  return `Which case? For example "${example}". Type "my cases" to list them.`;
}

/** Prefixes of the help text, saying why it is shown. */
export const HELP_PREFIX = {
  notUnderstood: 'Sorry, I didn\'t understand that.',
  agentsOnly: 'That is something agents do.',
  unknownUser: 'I need to know who you are for that.',
  linkFirst: 'Please link this chat to your account first.',
  emptyMessage: 'I got an empty message.',
  welcome: (actor: Actor | undefined) => `Welcome to caseflow support${actor ? `, ${actor.displayName}` : ''}!`,
  hello: (actor: Actor | undefined) => `Hello${actor ? ` ${actor.displayName}` : ''}!`,
} as const;

/** Messages the bot cannot act on, and what to do instead. */
export const REFUSALS = {
  submission: (reason: string) => `${reason} Nothing was changed. Type "help" to see what you can do.`,
  attachment: 'I can\'t read attachments yet. Please describe it in words, or email it to support quoting your case number.',
  tooLong: (length: number, max: number) => `That message is too long for me (${length} characters; at most ${max}). Please shorten it. Nothing was changed.`,
  staffOpensCase: 'Cases are opened by customers (or through the API for staff). Type "help" to see what you can do.',
  accountDisabled: 'Sorry, your caseflow account is disabled, so I can\'t do anything for you in this chat. Please contact your caseflow administrator.',
} as const;

/** Interruptions while a case is being opened (bot/dialogs/open-case.dialog.ts). */
export const OPEN_CASE_INTERRUPTIONS = {
  cancelled: { text: 'OK, I\'ve stopped. No case was opened.', suggestions: ['new case', 'help'] },
  help: 'We are opening a case: answer the question above, or type "cancel" to stop.',
} as const;
