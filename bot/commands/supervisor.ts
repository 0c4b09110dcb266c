import { isManager } from '../../domain/actor';
import { formatInstant } from '../cards/case-card';
import { help, reply } from '../replies';
import { act, type CommandHandler, type CommandHandlers } from './command-context';

/** Supervisors and administrators: assigning, taking a case back into its queue, the SLA at-risk list. */

const assign: CommandHandler = async (ctx, { entities }) => {
  const { actor, services, turn } = ctx;
  if (!isManager(actor)) return help(turn, actor, 'Only supervisors and administrators can assign cases.');
  const who = entities.user;
  if (!who) return reply(turn, 'To whom? For example "assign CAS-01000 to gina".');
  const user = await services.users.findStaffByName(who);
  if (!user) return reply(turn, `I don't know an agent "${who}".`);
  return act(ctx, entities, (cn) => services.caseWork.act(cn, actor, 'assign', { userId: user.id }), 'assign CAS-01000 to gina', (cn) => `${cn} is assigned to ${user.displayName}.`);
};

const yank: CommandHandler = async (ctx, { entities }) => {
  if (!isManager(ctx.actor)) return help(ctx.turn, ctx.actor, 'Only supervisors and administrators can yank cases.');
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'yank', {}), 'yank CAS-01000', (cn) => `${cn} is back in its queue; nobody works it now.`);
};

const atRisk: CommandHandler = async (ctx) => {
  const { actor, services, turn } = ctx;
  if (!isManager(actor)) return help(turn, actor, 'The at-risk list is for supervisors.');
  const rows = await services.queues.slaAtRiskCases(15);
  if (rows.length === 0) return reply(turn, 'No open case has its SLA at risk.');
  const lines = rows.map((r) => `- **${r.caseNumber}** ${r.title} — ${r.slaState.replace(/_/g, ' ')}, resolve by ${formatInstant(r.resolveBy)}`);
  return reply(turn, `Cases at risk:\n\n${lines.join('\n')}`);
};

export const supervisorCommands: CommandHandlers = { assign, yank, atRisk };
