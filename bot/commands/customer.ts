import { isStaff } from '../../domain/actor';
import { OPEN_CASE_STATUSES } from '../../domain/case';
import { caseScopeFor } from '../../services/case-scope';
import { statusLabel } from '../cards/case-card';
import { reply } from '../replies';
import type { CaseRecord } from '../../db/repositories/case.repository';
import { act, caseOf, explain, showCase, type CommandContext, type CommandHandler, type CommandHandlers } from './command-context';

/** Following one's cases: the list, a case's card, and what a customer does on a case. */

const myCases: CommandHandler = async (ctx) => {
  const { actor, services, turn } = ctx;
  const staff = isStaff(actor);
  const statuses = staff ? [...OPEN_CASE_STATUSES] : undefined;
  const filter = staff ? { status: statuses, ownerUserId: actor.userId } : {};
  const { items, total } = await services.caseRecords.list(caseScopeFor(actor), filter, '-createdAt', 10, 0);
  if (items.length === 0) return reply(turn, staff ? 'You have no cases in progress. Type "take next" to pick one up.' : 'You have no cases. Describe your problem to open one.', staff ? ['take next'] : ['new case']);
  const lines = items.map((c) => `- **${c.caseNumber}** ${c.title} — ${statusLabel(c.status)}, ${c.stage}`);
  return reply(turn, `${staff ? 'Your cases in progress' : 'Your cases'} (${items.length} of ${total}):\n\n${lines.join('\n')}`, items.slice(0, 3).map((c) => `status ${c.caseNumber}`));
};

/** The caller's cases that are still open (newest first), at most `limit`. */
async function openCasesOf(ctx: CommandContext, limit = 10): Promise<{ items: CaseRecord[]; total: number }> {
  return ctx.services.caseRecords.list(caseScopeFor(ctx.actor), { status: [...OPEN_CASE_STATUSES] }, '-createdAt', limit, 0);
}

/**
 * A customer's description typed while they have a case open ("I tried that, it is still
 * offline"): more information for that case, not a new case. The conversation's case if it is
 * still open, else their one open case; with several, asks which. False: nothing open, the caller
 * goes on (opens a case, or explains).
 */
export async function addToOpenCase(ctx: CommandContext, text: string): Promise<boolean> {
  const { items } = await openCasesOf(ctx);
  if (items.length === 0) return false;
  const current = items.find((c) => c.caseNumber === ctx.conversation.currentCase);
  const target = current ?? (items.length === 1 ? items[0] : undefined);
  if (!target) {
    const choices = items.slice(0, 3);
    await reply(
      ctx.turn,
      `Is this about one of your open cases? ${choices.map((c) => `**${c.caseNumber}** (${c.title})`).join(', ')}. Type "add info CAS-…: your text" to add it to one, or "new case" to open another.`,
      [...choices.map((c) => `add info ${c.caseNumber}: ${text.slice(0, 60)}`), 'new case'],
    );
    return true;
  }
  await act(ctx, { caseNumber: target.caseNumber }, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'addCustomerNote', { text }), 'add info CAS-01000: …', (cn) =>
    `I've added that to ${cn} (${target.title}); the agent will see it. If this is a different problem, type "new case".`,
  );
  return true;
}

/** "status CAS-01000", "show CAS-01000": the case card; "status", "any news on my case?": the current case, or the open ones. */
const status: CommandHandler = async (ctx, { entities }) => {
  const caseNumber = caseOf(ctx, entities);
  if (!caseNumber) {
    const { items, total } = await openCasesOf(ctx);
    if (items.length === 1) return status(ctx, { intent: 'status', entities: { caseNumber: items[0]!.caseNumber } });
    if (items.length === 0) return reply(ctx.turn, 'You have no open cases. Type "my cases" to see the closed ones, or describe a problem to open one.', ['my cases', 'new case']);
    const lines = items.map((c) => `- **${c.caseNumber}** ${c.title} — ${statusLabel(c.status)}`);
    return reply(ctx.turn, `Your open cases (${items.length} of ${total}):\n\n${lines.join('\n')}`, items.slice(0, 3).map((c) => `status ${c.caseNumber}`));
  }
  try {
    await showCase(ctx, caseNumber);
    ctx.conversation.currentCase = caseNumber;
  } catch (error) {
    await explain(ctx, error, caseNumber);
  }
};

const addInfo: CommandHandler = async (ctx, { entities }) => {
  const { actor, services, turn } = ctx;
  if (!entities.text) return reply(turn, `What should I add? For example "add info ${caseOf(ctx, entities) ?? 'CAS-01000'}: the model is X200".`);
  if (isStaff(actor)) return reply(turn, 'Agents log information as an activity: "log note 5 min …".');
  return act(ctx, entities, (cn) => services.caseWork.act(cn, actor, 'addCustomerNote', { text: entities.text ?? '' }), 'add info CAS-01000: …', (cn) => `Thanks, I've added that to ${cn}. The agent will see it.`);
};

const cancelCase: CommandHandler = async (ctx, { entities }) => {
  const { actor, services, turn } = ctx;
  if (!entities.caseNumber) return reply(turn, 'Which case should I cancel? Type "cancel CAS-01000" (nothing is cancelled until you name it).');
  return act(ctx, entities, (cn) => services.caseWork.act(cn, actor, 'cancel', { reason: entities.text ?? 'cancelled in chat' }), 'cancel CAS-01000', (cn) => `${cn} is cancelled. You can reopen it within the reopen window: "reopen ${cn}".`);
};

const reopen: CommandHandler = async (ctx, { entities }) =>
  act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'reopen', { reason: entities.text ?? 'reopened in chat' }), 'reopen CAS-01000', (cn) => `${cn} is open again; an agent will pick it up.`);

const surveyAnswer: CommandHandler = async (ctx, { entities }) => {
  const rating = entities.rating;
  if (!rating) return reply(ctx.turn, 'Please rate from 1 to 5, for example "rate 5 great service".');
  // "rate 5" with no case named: the one resolved case waiting for its survey answer, if only one is.
  let named = entities;
  if (!caseOf(ctx, entities)) {
    const { items } = await ctx.services.caseRecords.list(caseScopeFor(ctx.actor), { status: ['resolved'] }, '-createdAt', 2, 0);
    if (items.length === 1) named = { ...entities, caseNumber: items[0]!.caseNumber };
  }
  return act(
    ctx,
    named,
    (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'answerSurvey', { rating, comment: entities.text ?? '' }),
    'rate CAS-01000 5',
    (cn) => `Thank you! Your rating of ${rating}/5 for ${cn} is recorded.`,
  );
};

export const customerCommands: CommandHandlers = { myCases, status, showCase: status, addInfo, cancelCase, reopen, surveyAnswer };
