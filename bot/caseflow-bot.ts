import { ActivityHandler, ActivityTypes, ConversationState, UserState, type Activity, type Storage, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogContext, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { Actor } from '../domain/actor';
import type { Channel } from '../domain/case';
import { signedInUserIdOf, type BotMode } from './adapter';
import type { BotServices } from './bot-services';
import { parseSubmission } from './card-submissions';
import { COMMANDS, identityCommands, type ConversationData } from './commands';
import { addToOpenCase } from './commands/customer';
import { OPEN_CASE_DIALOG, OpenCaseDialog, type OpenCaseOptions } from './dialogs/open-case.dialog';
import { HELP_PREFIX, REFUSALS } from './help-texts';
import { createIdentity, type ChatIdentity, type IdentitySource, type IdentityState } from './identity';
import { matchIntent, MAX_TEXT_CHARS, type IntentMatch } from './intents';
import { help, reply } from './replies';

export interface CaseflowBotOptions {
  readonly services: BotServices;
  readonly storage: Storage;
  readonly mode: BotMode;
  readonly logger: Logger;
  /** Who signed in on our Web Chat page; defaults to the adapter's claim (signedInUserIdOf). Tests may inject one. */
  readonly signedInUserId?: (context: TurnContext) => string | undefined;
  /** A chat user was linked (link code, demo link, new contact): bind the conversation to them for proactive messages. */
  readonly onUserLinked?: (context: TurnContext, userId: string) => Promise<void>;
}

const IDENTITY_KEY = Symbol('caseflow chat identity');

/** A message turn as the router sees it: who is chatting, their state, the conversation's memory and dialogs. */
interface MessageTurn {
  readonly context: TurnContext;
  readonly dc: DialogContext;
  readonly conversation: ConversationData;
  readonly state: IdentityState;
  readonly actor: Actor | undefined;
  readonly source: IdentitySource;
}

function rememberCreated(result: DialogTurnResult, conversation: ConversationData): void {
  if (result.status !== DialogTurnStatus.complete) return;
  const created = result.result as { caseNumber?: string } | undefined;
  if (created?.caseNumber) conversation.currentCase = created.caseNumber;
}

/**
 * The caseflow bot: customers open and follow cases; agents and supervisors work them. This
 * handler welcomes, routes each message (a card's button, an interruption of the open-a-case
 * dialog, an identity command, or a command of bot/commands/) and saves the state; every action
 * goes through the services the REST API uses (visibility, permissions, the workflow's rules), and
 * failures become a friendly reply saying what to type next, never a stack trace.
 */
export function createCaseflowBot(options: CaseflowBotOptions): ActivityHandler {
  const { services, storage, mode, logger } = options;
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogStateProperty = conversationState.createProperty<DialogState>('dialogState');
  const conversationProperty = conversationState.createProperty<ConversationData>('caseflow');
  const identityProperty = userState.createProperty<IdentityState>('identity');
  const identity = createIdentity({ users: services.users, accounts: services.accounts, storage, mode, ...(options.signedInUserId ? { signedInUserId: options.signedInUserId } : {}) });
  const signedIn = options.signedInUserId ?? signedInUserIdOf;
  const linked = options.onUserLinked ? { onUserLinked: options.onUserLinked } : {};
  const dialogs = new DialogSet(dialogStateProperty);
  dialogs.add(new OpenCaseDialog({ services, identity, identityState: (step) => identityProperty.get(step.context, {}), ...linked }));

  /** Runs one recognised intent for a known actor. */
  async function perform(context: TurnContext, actor: Actor, match: IntentMatch, conversation: ConversationData): Promise<void> {
    const command = COMMANDS[match.intent];
    if (!command) return help(context, actor, HELP_PREFIX.notUnderstood);
    await command({ turn: context, actor, services, conversation }, match);
  }

  /** Our own Web Chat page, used signed in, is the customer's web portal ('web', which the demo contracts cover); else 'chat'. */
  function channelFor(context: TurnContext): Channel {
    return signedIn(context) !== undefined ? 'web' : 'chat';
  }

  /** Card submissions: checked, then run as the intent the button stands for. */
  async function onSubmission({ context, actor, dc, conversation }: MessageTurn): Promise<void> {
    const submission = parseSubmission(context.activity.value);
    if (!submission.ok) return reply(context, REFUSALS.submission(submission.reason));
    if (!actor) return help(context, actor, HELP_PREFIX.linkFirst);
    if (dc.activeDialog) await dc.cancelAllDialogs();
    await perform(context, actor, submission.match, conversation);
  }

  /** What the user typed: checked, then given to the open-case dialog if one is running, else routed by intent. */
  async function onText(turn: MessageTurn, text: string): Promise<void> {
    const { context, dc, conversation, state, actor, source } = turn;
    if (text.length > MAX_TEXT_CHARS) return reply(context, REFUSALS.tooLong(text.length, MAX_TEXT_CHARS), ['help']);
    if (text === '') return help(context, actor, HELP_PREFIX.emptyMessage);
    // The dialog handles its own interruptions ("cancel", "help"): CancelAndHelpDialog.
    if (dc.activeDialog) return rememberCreated(await dc.continueDialog(), conversation);

    const match = matchIntent(text);
    // A customer describing something while a case of theirs is open: more information for it.
    if (match.entities.described && actor?.role === 'customer' && (match.intent === 'openCase' || match.intent === 'none')) {
      if (await addToOpenCase({ turn: context, actor, services, conversation }, text)) return;
    }
    switch (match.intent) {
      case 'help':
      case 'none':
        return help(context, actor, match.intent === 'none' ? HELP_PREFIX.notUnderstood : undefined);
      case 'greeting':
        return help(context, actor, HELP_PREFIX.hello(actor));
      case 'openCase': {
        if (actor && actor.role !== 'customer') return reply(context, REFUSALS.staffOpensCase);
        const opening: OpenCaseOptions = {
          channel: channelFor(context),
          ...(actor ? { userId: actor.userId } : {}),
          ...(match.entities.text ? { description: match.entities.text } : {}),
        };
        return rememberCreated(await dc.beginDialog(OPEN_CASE_DIALOG, opening), conversation);
      }
      default: {
        const identityCommand = identityCommands[match.intent];
        if (identityCommand) return identityCommand({ turn: context, actor, source, identity, state, ...linked }, match);
        if (!actor) return help(context, actor, HELP_PREFIX.unknownUser);
        return perform(context, actor, match, conversation);
      }
    }
  }

  /** Who is chatting, looked up once per turn (the gate below and the handlers share it). */
  async function whoIsChatting(context: TurnContext): Promise<ChatIdentity & { readonly state: IdentityState }> {
    const known = context.turnState.get<(ChatIdentity & { readonly state: IdentityState }) | undefined>(IDENTITY_KEY);
    if (known) return known;
    const state = await identityProperty.get(context, {});
    const found = { ...(await identity.identify(context, state)), state };
    context.turnState.set(IDENTITY_KEY, found);
    return found;
  }

  const bot = new ActivityHandler();

  // A disabled account is refused on every turn, before any handler runs: a message gets the
  // reason, nothing else is answered, nothing runs and no state is saved.
  bot.onTurn(async (context, next) => {
    const { source } = await whoIsChatting(context);
    if (source !== 'disabled') return next();
    logger.info({ channelId: context.activity.channelId, conversationId: context.activity.conversation?.id }, 'refused a turn of a disabled account');
    if (context.activity.type === String(ActivityTypes.Message)) await reply(context, REFUSALS.accountDisabled);
  });

  bot.onMembersAdded(async (context, next) => {
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === context.activity.recipient.id) continue;
      const { actor } = await whoIsChatting(context);
      await help(context, actor, HELP_PREFIX.welcome(actor));
    }
    await next();
  });

  bot.onMessage(async (context, next) => {
    const activity: Activity = context.activity;
    const conversation = await conversationProperty.get(context, {});
    const { actor, source, state } = await whoIsChatting(context);
    const text = typeof activity.text === 'string' ? activity.text.trim() : '';
    const turn: MessageTurn = { context, dc: await dialogs.createContext(context), conversation, state, actor, source };
    if (activity.value !== undefined && activity.value !== null && text === '') await onSubmission(turn);
    else if ((activity.attachments?.length ?? 0) > 0 && text === '') await reply(context, REFUSALS.attachment);
    else await onText(turn, text);
    await next();
  });

  bot.onDialog(async (context, next) => {
    await conversationState.saveChanges(context, false);
    await userState.saveChanges(context, false);
    await next();
  });

  logger.debug({ mode }, 'caseflow bot ready');
  return bot;
}
