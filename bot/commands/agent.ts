import { MessageFactory } from 'botbuilder';
import { isStaff } from '../../domain/actor';
import { NotFoundError } from '../../services/errors';
import { articlesCard } from '../cards/articles-card';
import { reply } from '../replies';
import { act, caseOf, explain, needCase, showCase, staffOnly, type CommandHandler, type CommandHandlers } from './command-context';

/** Working cases: queues, taking and accepting work, the stage's steps, activities, knowledge, replies, hand-overs, resolving. */

const myQueues: CommandHandler = async (ctx) => {
  if (!(await staffOnly(ctx))) return;
  const { actor, services, turn } = ctx;
  const queues = await services.queues.listByIds(actor.queueIds);
  if (queues.length === 0) return reply(turn, 'You are not a member of any queue.');
  const counts = await services.queues.counts(queues.map((q) => q.id));
  const lines = queues.map((q) => {
    const c = counts.get(q.id);
    return `- **${q.name}**: ${c?.waiting ?? 0} waiting, ${c?.inProgress ?? 0} in progress, ${c?.slaAtRisk ?? 0} at risk`;
  });
  return reply(turn, `Your queues:\n\n${lines.join('\n')}`, ['take next']);
};

/** Accepts the most urgent waiting case of the agent's queues that is still free (the same take next as POST /cases/take-next). */
const takeNext: CommandHandler = async (ctx) => {
  if (!(await staffOnly(ctx))) return;
  const { actor, services, turn } = ctx;
  if (actor.queueIds.length === 0) return reply(turn, 'You are not a member of any queue, so there is nothing to take.');
  let taken: string;
  try {
    taken = (await services.caseWork.takeNext(actor)).caseNumber;
  } catch (error) {
    if (error instanceof NotFoundError) return reply(turn, 'Nothing is waiting in your queues. 🎉', ['my queues']);
    throw error;
  }
  ctx.conversation.currentCase = taken;
  return showCase(ctx, taken, 'You took');
};

const accept: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const caseNumber = caseOf(ctx, entities);
  if (!caseNumber) return needCase(ctx, 'accept CAS-01000');
  try {
    await ctx.services.caseWork.act(caseNumber, ctx.actor, 'accept', {});
    ctx.conversation.currentCase = caseNumber;
    await showCase(ctx, caseNumber, 'You accepted');
  } catch (error) {
    await explain(ctx, error, caseNumber);
  }
};

const completeStep: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  if (entities.step !== 'customer_confirmed') {
    return reply(
      ctx.turn,
      'The only step ticked by hand is "customer confirmed". "Product and category set" needs both a product and a subject: "set product PRN-100" and "set subject Printing" ("products" lists the codes); research follows from a knowledge search, an article or an activity.',
    );
  }
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'completeStep', { stepId: 'customer_confirmed' }), 'confirm customer CAS-01000', async (cn) => showCase(ctx, cn, 'Step done:'));
};

const advance: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'advanceStage', {}), 'advance CAS-01000', async (cn) => showCase(ctx, cn, 'Advanced:'));
};

const setDetails: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const { actor, services, turn } = ctx;
  let productId: string | undefined;
  if (entities.product) {
    productId = await services.products.findProductId(entities.product);
    if (!productId) return reply(turn, `I don't know the product "${entities.product}". Products: ${(await services.products.productCodes()).join(', ')} (type "products" for their names).`);
  }
  const subject = entities.subject?.slice(0, 200);
  return act(
    ctx,
    entities,
    (cn) => services.caseWork.act(cn, actor, 'updateDetails', { ...(productId ? { productId } : {}), ...(subject ? { subject } : {}) }),
    'set product PRN-100',
    (cn) => `${cn}: ${productId ? 'product' : 'subject'} set.`,
  );
};

const logActivity: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const minutes = entities.minutes ?? 0;
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) return reply(ctx.turn, 'Please give the time spent in minutes, from 0 to 1440, e.g. "log call 15 min".');
  const type = entities.activityType ?? 'note';
  const label = type.replace('_', ' ');
  return act(
    ctx,
    entities,
    (cn) =>
      ctx.services.caseWork.act(cn, ctx.actor, 'addActivity', {
        type,
        subject: entities.text ? entities.text.slice(0, 200) : `${label[0]?.toUpperCase() ?? ''}${label.slice(1)} logged in chat`,
        body: entities.text ?? '',
        direction: type === 'phone_call' || type === 'email' ? 'outbound' : null,
        minutesSpent: minutes,
        open: false,
        dueAt: null,
      }),
    'log call 15 min CAS-01000',
    (cn) => `Logged a ${label} of ${minutes} minutes on ${cn}.`,
  );
};

/** Anyone may search; an agent's search on a case is recorded on it, and each hit can be sent to the customer. */
const searchKnowledge: CommandHandler = async (ctx, { entities }) => {
  const { actor, services, turn } = ctx;
  if (!entities.text) return reply(turn, 'What should I search for? For example "search knowledge printer offline".');
  const staff = isStaff(actor);
  const caseNumber = caseOf(ctx, entities);
  const result = await services.knowledge.search(actor, { text: entities.text.slice(0, 200), limit: 5 });
  if (staff && caseNumber) {
    try {
      await services.caseWork.act(caseNumber, actor, 'recordKnowledgeSearch', { query: entities.text.slice(0, 200) });
    } catch {
      // Searching still helps when the case cannot record it (not the owner, closed).
    }
  }
  if (result.items.length === 0) return reply(turn, `No articles match "${entities.text}".`);
  await turn.sendActivity(MessageFactory.attachment(articlesCard(`Articles for "${entities.text}":`, result.items, staff ? caseNumber : undefined)));
};

const sendArticle: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const { articleNumber } = entities;
  if (!articleNumber) return reply(ctx.turn, 'Which article? For example "send KA-01002".');
  const found = await ctx.services.articles.findByNumber(articleNumber);
  const article = found?.status === 'published' ? found : undefined;
  if (!article) return reply(ctx.turn, `I can't find a published article ${articleNumber}. Type "search knowledge …" to find one.`);
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'linkArticle', { articleId: article.id, sendToCustomer: true }), 'send KA-01002 to CAS-01000', (cn) => `Sent ${articleNumber} "${article.title}" to the customer of ${cn}.`);
};

const replyToCustomer: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const text = entities.text;
  if (!text) return reply(ctx.turn, 'What should I tell the customer? For example "reply We are looking into it".');
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'reply', { text }), 'reply to CAS-01000: …', (cn) => `Your reply is on its way to the customer of ${cn}.`);
};

const hold: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  return act(
    ctx,
    entities,
    (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'hold', { status: entities.holdStatus ?? 'on_hold', reason: entities.text ?? 'put on hold in chat' }),
    'hold CAS-01000 waiting for parts',
    (cn) => `${cn} is ${entities.holdStatus === 'waiting_for_customer' ? 'waiting for the customer' : 'on hold'}. Type "resume" to continue.`,
  );
};

const resume: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'resume', {}), 'resume CAS-01000', (cn) => `${cn} is active again.`);
};

/** "transfer … to <queue>", "dispatch … to <queue>". */
const moveToQueue: CommandHandler = async (ctx, { intent, entities }) => {
  if (!(await staffOnly(ctx))) return;
  const { services } = ctx;
  const action = intent === 'dispatch' ? 'dispatch' : 'transfer';
  const queue = entities.queue ? await services.queues.findByName(entities.queue) : undefined;
  if (!queue) return reply(ctx.turn, `I don't know the queue "${entities.queue ?? ''}". Queues: ${(await services.queues.list()).map((q) => q.name).join(', ')}.`);
  return act(ctx, entities, (cn) => services.caseWork.act(cn, ctx.actor, action, { queueId: queue.id }), `${action} CAS-01000 to ${queue.name}`, (cn) => `${cn} is now in ${queue.name}.`);
};

const reject: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  if (!entities.text) return reply(ctx.turn, 'Please give a reason, for example "reject CAS-01000 not a support question".');
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'reject', { reason: entities.text ?? '' }), 'reject CAS-01000 reason', (cn) => `${cn} went back to whoever created it.`);
};

const resolve: CommandHandler = async (ctx, { entities }) => {
  if (!(await staffOnly(ctx))) return;
  const text = entities.text;
  if (!text) return reply(ctx.turn, 'Please give the resolution, for example "resolve restarted the print spooler".');
  const resolutionType = /^(?:workaround)\b/i.test(text) ? 'workaround' : /^(?:info|information)\b/i.test(text) ? 'information_provided' : 'problem_solved';
  return act(ctx, entities, (cn) => ctx.services.caseWork.act(cn, ctx.actor, 'resolve', { resolutionText: text, resolutionType }), 'resolve CAS-01000 …', (cn) => `${cn} is resolved. The customer will get the survey.`);
};

export const agentCommands: CommandHandlers = {
  myQueues,
  takeNext,
  accept,
  completeStep,
  advance,
  setDetails,
  logActivity,
  searchKnowledge,
  sendArticle,
  reply: replyToCustomer,
  hold,
  resume,
  transfer: moveToQueue,
  dispatch: moveToQueue,
  reject,
  resolve,
};
