import { MessageFactory, type TurnContext } from 'botbuilder';
import { isStaff, type Actor } from '../../domain/actor';
import type { BotServices } from '../bot-services';
import { caseCard, statusLabel } from '../cards/case-card';
import { explanation, HELP_PREFIX, whichCase } from '../help-texts';
import type { Entities, Intent, IntentMatch } from '../intents';
import { help, reply } from '../replies';

/** What the bot remembers about a conversation. */
export interface ConversationData {
  /** The case the last command was about: commands without a case number use it. */
  currentCase?: string;
}

/** What a command runs with: this turn, who is chatting (known by now), the services, the conversation's memory. */
export interface CommandContext {
  readonly turn: TurnContext;
  readonly actor: Actor;
  readonly services: BotServices;
  readonly conversation: ConversationData;
}

/** Runs one recognised intent. Every action goes through the services the REST API uses. */
export type CommandHandler = (ctx: CommandContext, match: IntentMatch) => Promise<void>;
export type CommandHandlers = Partial<Record<Intent, CommandHandler>>;

/** The case a command is about: the one named, else the conversation's current case. */
export function caseOf(ctx: CommandContext, entities: Entities): string | undefined {
  return entities.caseNumber ?? ctx.conversation.currentCase;
}

/** A service failure as a reply saying what to do next; anything else goes to the adapter's turn error. */
export async function explain(ctx: CommandContext, error: unknown, caseNumber: string | undefined): Promise<void> {
  const explained = explanation(error, caseNumber);
  if (!explained) throw error;
  await reply(ctx.turn, explained.text, explained.suggestions);
}

export async function needCase(ctx: CommandContext, example: string): Promise<void> {
  await reply(ctx.turn, whichCase(example));
}

/** True for staff; otherwise says that agents do this and returns false. */
export async function staffOnly(ctx: CommandContext): Promise<boolean> {
  if (isStaff(ctx.actor)) return true;
  await help(ctx.turn, ctx.actor, HELP_PREFIX.agentsOnly);
  return false;
}

/**
 * Runs an action on the command's case (see caseOf; none: asks which, after `example`), makes it the
 * current case, and replies what `done` returns (or `done` replies itself); a service's refusal is explained.
 */
export async function act(
  ctx: CommandContext,
  entities: Entities,
  run: (caseNumber: string) => Promise<unknown>,
  example: string,
  done: (caseNumber: string) => string | Promise<void>,
): Promise<void> {
  const caseNumber = caseOf(ctx, entities);
  if (!caseNumber) return needCase(ctx, example);
  try {
    await run(caseNumber);
    ctx.conversation.currentCase = caseNumber;
    const message = await done(caseNumber);
    if (typeof message === 'string') await reply(ctx.turn, message);
  } catch (error) {
    await explain(ctx, error, caseNumber);
  }
}

/** The case card, with a one-line summary (status, stage, the steps still to do) after `prefix`. */
export async function showCase(ctx: CommandContext, caseNumber: string, prefix?: string): Promise<void> {
  const { services, actor } = ctx;
  const view = await services.caseWork.getState(caseNumber, actor);
  const [ownerName, queue, timeZone] = await Promise.all([
    view.ownerUserId ? services.users.findDisplayName(view.ownerUserId) : undefined,
    view.queueId ? services.queues.findById(view.queueId) : undefined,
    view.slaPolicy ? services.slaPolicies.calendarTimeZone(view.slaPolicy.id) : undefined,
  ]);
  const attachment = caseCard(view, { staff: isStaff(actor), ownerName: ownerName ?? null, queueName: queue?.name ?? null, timeZone: timeZone ?? 'UTC' });
  const current = view.stages.find((s) => s.current);
  const missing = current?.steps.filter((s) => !s.done).map((s) => s.label) ?? [];
  const state = `is ${statusLabel(view.status).toLowerCase()}, stage ${current?.label ?? view.stage}${missing.length ? ` (to do: ${missing.join(', ')})` : ''}.`;
  // "You took CAS-01000. It is active, stage Identify …", or "CAS-01000 is active, stage Identify …".
  const summary = prefix ? `${prefix} ${caseNumber}. It ${state}` : `${caseNumber} ${state}`;
  await ctx.turn.sendActivity(MessageFactory.attachment(attachment, summary));
}
