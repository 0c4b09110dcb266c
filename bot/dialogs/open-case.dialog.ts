import type { TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { MessageFactory } from 'botbuilder';
import {
  ChoicePrompt,
  ConfirmPrompt,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { PRIORITIES, type Channel, type Priority } from '../../domain/case';
import type { BotServices } from '../bot-services';
import { articlesCard } from '../cards/articles-card';
import { OPEN_CASE_INTERRUPTIONS } from '../help-texts';
import { isEmailAddress, type Identity, type IdentityState } from '../identity';
import { MAX_TEXT_CHARS } from '../intents';
import { CancelAndHelpDialog } from './cancel-and-help.dialog';
import { slaPromise } from './sla-promise';

export const OPEN_CASE_DIALOG = 'openCase';
const WATERFALL = 'openCase.waterfall';
const DESCRIPTION_PROMPT = 'openCase.description';
const SOLVED_PROMPT = 'openCase.solved';
const NAME_PROMPT = 'openCase.name';
const EMAIL_PROMPT = 'openCase.email';
const PRODUCT_PROMPT = 'openCase.product';
const URGENCY_PROMPT = 'openCase.urgency';
const CONFIRM_PROMPT = 'openCase.confirm';

export interface OpenCaseOptions {
  /** The problem as already typed ("my printer is broken"), if any. */
  readonly description?: string;
  /** The chat user's caseflow user; none: a new contact is created (name and email asked). */
  readonly userId?: string;
  readonly channel: Channel;
}

/** What the dialog remembers between turns (in dialog state, so it survives a restart). */
interface OpenCaseValues {
  description?: string;
  userId?: string;
  channel: Channel;
  name?: string;
  email?: string;
  productId?: string | null;
  productName?: string | null;
  priority?: Priority;
  requestId: string;
}

export interface OpenCaseDialogDependencies {
  readonly services: BotServices;
  readonly identity: Identity;
  /** The user state object of the current turn, for linking a new contact. */
  readonly identityState: (step: WaterfallStepContext) => Promise<IdentityState>;
  /** Binds this conversation to the user, so proactive messages (replies, the survey) reach it. */
  readonly onUserLinked?: (context: TurnContext, userId: string) => Promise<void>;
}

const MIN_DESCRIPTION = 5;
const SKIP = 'Skip';

/**
 * The customer's "open a case" conversation: the problem → up to three knowledge articles ("Did
 * this solve it?") → for a new contact, name and email → product (or skip) → urgency → confirm →
 * the case, with its number and the first-response promise. "cancel" stops it at any question,
 * "help" says what is going on (CancelAndHelpDialog).
 */
export class OpenCaseDialog extends CancelAndHelpDialog {
  constructor(private readonly deps: OpenCaseDialogDependencies) {
    super(OPEN_CASE_DIALOG, OPEN_CASE_INTERRUPTIONS);
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, (p) => this.validDescription(p)))
      .addDialog(new ChoicePrompt(SOLVED_PROMPT))
      .addDialog(new TextPrompt(NAME_PROMPT, async (p) => {
        const value = p.recognized.value?.trim() ?? '';
        if (value.length >= 1 && value.length <= 100) return true;
        await p.context.sendActivity('Please type your name (up to 100 characters).');
        return false;
      }))
      .addDialog(new TextPrompt(EMAIL_PROMPT, async (p) => {
        if (isEmailAddress(p.recognized.value ?? '')) return true;
        await p.context.sendActivity('That does not look like an email address. Please type one like name@example.com.');
        return false;
      }))
      .addDialog(new ChoicePrompt(PRODUCT_PROMPT))
      .addDialog(new ChoicePrompt(URGENCY_PROMPT))
      .addDialog(new ConfirmPrompt(CONFIRM_PROMPT))
      .addDialog(
        new WaterfallDialog(WATERFALL, [
          (s) => this.askDescription(s),
          (s) => this.suggestArticles(s),
          (s) => this.afterSuggestions(s),
          (s) => this.askEmail(s),
          (s) => this.askProduct(s),
          (s) => this.askUrgency(s),
          (s) => this.confirm(s),
          (s) => this.create(s),
        ]),
      );
    this.initialDialogId = WATERFALL;
  }

  private values(step: WaterfallStepContext): OpenCaseValues {
    return step.values as OpenCaseValues;
  }

  private async validDescription(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const value = prompt.recognized.value?.trim() ?? '';
    if (value.length >= MIN_DESCRIPTION && value.length <= MAX_TEXT_CHARS) return true;
    await prompt.context.sendActivity(
      value.length > MAX_TEXT_CHARS
        ? `That is too long for me (${value.length} characters). Please describe the problem in at most ${MAX_TEXT_CHARS} characters, or type "cancel".`
        : 'Please describe the problem in a few words (for example "the printer shows offline"), or type "cancel".',
    );
    return false;
  }

  private async askDescription(step: WaterfallStepContext) {
    const options = step.options as OpenCaseOptions;
    const values = this.values(step);
    values.channel = options.channel;
    values.requestId = randomUUID();
    if (options.userId) values.userId = options.userId;
    const given = options.description?.trim();
    if (given && given.length >= MIN_DESCRIPTION) return step.next(given);
    return step.prompt(DESCRIPTION_PROMPT, { prompt: 'Let\'s open a case. Please describe the problem in a sentence or two.' });
  }

  private async suggestArticles(step: WaterfallStepContext) {
    const description = String(step.result).trim();
    this.values(step).description = description;
    const hits = await this.deps.services.knowledge.suggestForProblem(description, 3);
    if (hits.length === 0) return step.next(undefined);
    await step.context.sendActivity(MessageFactory.attachment(articlesCard('These articles may solve it:', hits)));
    return step.prompt(SOLVED_PROMPT, {
      prompt: 'Did this solve it?',
      retryPrompt: 'Please answer Yes or No: did one of these articles solve it?',
      choices: ['Yes', 'No'],
      style: ListStyle.suggestedAction,
    });
  }

  private async afterSuggestions(step: WaterfallStepContext) {
    const answer = step.result as FoundChoice | undefined;
    if (answer?.value === 'Yes') {
      await step.context.sendActivity('Glad that helped! No case was opened. Type "new case" if you need us after all.');
      return step.endDialog({ created: false });
    }
    const values = this.values(step);
    if (values.userId) return step.next(undefined);
    return step.prompt(NAME_PROMPT, { prompt: 'I\'ll open a case for you. I don\'t know you yet: what is your name?' });
  }

  private async askEmail(step: WaterfallStepContext) {
    const values = this.values(step);
    if (values.userId) return step.next(undefined);
    values.name = String(step.result).trim();
    return step.prompt(EMAIL_PROMPT, { prompt: `Thanks, ${values.name}. Which email address should the agent use?` });
  }

  private async askProduct(step: WaterfallStepContext) {
    const values = this.values(step);
    if (!values.userId) {
      values.email = String(step.result).trim().toLowerCase();
      const state = await this.deps.identityState(step);
      const created = await this.deps.identity.createContact(values.name ?? '', values.email, state);
      if (!created.ok) {
        await step.context.sendActivity(`${created.reason} No case was opened.`);
        return step.endDialog({ created: false });
      }
      values.userId = created.actor.userId;
      await this.deps.onUserLinked?.(step.context, created.actor.userId);
    }
    const products = await this.products();
    const choices = [...products.map((p) => p.name), SKIP];
    return step.prompt(PRODUCT_PROMPT, {
      prompt: 'Which product is it about? (or "Skip")',
      retryPrompt: `Please pick one of: ${choices.join(', ')}.`,
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async askUrgency(step: WaterfallStepContext) {
    const values = this.values(step);
    const choice = step.result as FoundChoice;
    const product = choice.value === SKIP ? undefined : (await this.products()).find((p) => p.name === choice.value);
    values.productId = product?.id ?? null;
    values.productName = product?.name ?? null;
    return step.prompt(URGENCY_PROMPT, {
      prompt: 'How urgent is it?',
      retryPrompt: 'Please pick low, normal, high or urgent.',
      choices: [...PRIORITIES],
      style: ListStyle.suggestedAction,
    });
  }

  private async confirm(step: WaterfallStepContext) {
    const values = this.values(step);
    values.priority = (step.result as FoundChoice).value as Priority;
    const summary = [
      `**Problem:** ${truncate(values.description ?? '', 300)}`,
      `**Product:** ${values.productName ?? 'not given'}`,
      `**Urgency:** ${values.priority}`,
    ].join('\n\n');
    return step.prompt(CONFIRM_PROMPT, { prompt: `${summary}\n\nShall I open the case?`, retryPrompt: 'Please answer Yes or No: shall I open the case?', style: ListStyle.suggestedAction });
  }

  private async create(step: WaterfallStepContext) {
    const values = this.values(step);
    if (step.result !== true) {
      await step.context.sendActivity('OK, no case was opened. Type "new case" whenever you want to start again.');
      return step.endDialog({ created: false });
    }
    const { services } = this.deps;
    const actor = values.userId ? await services.users.findActor(values.userId) : undefined;
    if (!actor?.contactId || actor.role !== 'customer') {
      await step.context.sendActivity('Only customers can open cases here. Type "help" to see what you can do.');
      return step.endDialog({ created: false });
    }
    const description = values.description ?? '';
    const result = await services.cases.openCase({
      requestId: values.requestId,
      title: truncate(firstLine(description), 120),
      description,
      customer: { type: 'contact', id: actor.contactId },
      channel: values.channel,
      priority: values.priority ?? 'normal',
      productId: values.productId ?? null,
      subject: null,
      openedByUserId: actor.userId,
    });
    if (result.state === 'starting') {
      await step.context.sendActivity(`Your case **${result.caseNumber}** is being created. Type "status ${result.caseNumber}" in a moment to see it.`);
      return step.endDialog({ created: true, caseNumber: result.caseNumber });
    }
    const caseNumber = result.case.caseNumber;
    let promise = 'An agent will contact you as soon as possible.';
    try {
      const view = await services.caseWork.getState(caseNumber, actor);
      promise = await slaPromise(services.slaPolicies, view);
    } catch {
      // The promise is a courtesy; the case exists either way.
    }
    await step.context.sendActivity(`Your case **${caseNumber}** is open. ${promise} Type "status ${caseNumber}" any time to follow it.`);
    return step.endDialog({ created: true, caseNumber });
  }

  private async products(): Promise<{ id: string; name: string }[]> {
    const products = await this.deps.services.products.listProducts();
    return products.filter((p) => p.active).map(({ id, name }) => ({ id, name }));
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? text;
  return line.trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

