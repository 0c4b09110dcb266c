import {
  ActivityHandler,
  ConversationState,
  MessageFactory,
  UserState,
  type Activity,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { AppServices } from '../app/app-services';
import { OPEN_CASE_STATUSES } from '../db/repositories/directory.repository';
import { isManager, isStaff, type Actor } from '../domain/actor';
import type { Channel } from '../domain/case';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../services/errors';
import { caseScopeFor } from '../services/case-scope';
import { signedInUserIdOf, type BotMode } from './adapter';
import { parseSubmission } from './card-submissions';
import { articlesCard } from './cards/articles-card';
import { caseCard, formatInstant, statusLabel } from './cards/case-card';
import { surveyCard } from './cards/survey-card';
import { OPEN_CASE_DIALOG, OpenCaseDialog, type OpenCaseOptions } from './dialogs/open-case.dialog';
import { createIdentity, type IdentityState } from './identity';
import { matchIntent, MAX_TEXT_CHARS, type Entities, type IntentMatch } from './intents';

export interface CaseflowBotOptions {
  readonly services: AppServices;
  readonly storage: Storage;
  readonly mode: BotMode;
  readonly logger: Logger;
  /** Who signed in on our Web Chat page; defaults to the adapter's claim (signedInUserIdOf). Tests may inject one. */
  readonly signedInUserId?: (context: TurnContext) => string | undefined;
  /** A chat user was linked (link code, demo link, new contact): bind the conversation to them for proactive messages. */
  readonly onUserLinked?: (context: TurnContext, userId: string) => Promise<void>;
}

interface ConversationData {
  /** The case the last command was about: commands without a case number use it. */
  currentCase?: string;
}

const CUSTOMER_HELP = [
  '**new case** (or just describe the problem, e.g. "my printer is broken")',
  '**my cases**',
  '**status CAS-01000**',
  '**add info CAS-01000: …**',
  '**cancel CAS-01000** / **reopen CAS-01000**',
  '**rate 5** (answer the survey)',
];
const AGENT_HELP = [
  '**my queues**, **take next**, **accept CAS-01000**, **show CAS-01000**',
  '**confirm customer**, **set product PRN-100**, **set subject Printing**, **advance**',
  '**log call 15 min …**, **search knowledge printer offline**, **send KA-01002**',
  '**reply …**, **hold …**, **resume**, **transfer to Standard support**, **dispatch to …**, **reject …**',
  '**resolve …** (in the Resolve stage)',
];
const SUPERVISOR_HELP = ['**assign CAS-01000 to gina**, **yank CAS-01000**, **at-risk cases**'];

/**
 * The caseflow bot: customers open and follow cases; agents and supervisors work them. Every
 * action goes through the services the REST API uses (visibility, permissions, the workflow's
 * rules); failures become a friendly reply saying what to type next, never a stack trace.
 */
function rememberCreated(result: DialogTurnResult, conversation: ConversationData): void {
  if (result.status !== DialogTurnStatus.complete) return;
  const created = result.result as { caseNumber?: string } | undefined;
  if (created?.caseNumber) conversation.currentCase = created.caseNumber;
}

export function createCaseflowBot(options: CaseflowBotOptions): ActivityHandler {
  const { services, storage, mode, logger } = options;
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogStateProperty = conversationState.createProperty<DialogState>('dialogState');
  const conversationProperty = conversationState.createProperty<ConversationData>('caseflow');
  const identityProperty = userState.createProperty<IdentityState>('identity');
  const identity = createIdentity({ db: services.db, users: services.users, storage, mode, ...(options.signedInUserId ? { signedInUserId: options.signedInUserId } : {}) });
  const signedIn = options.signedInUserId;

  const dialogs = new DialogSet(dialogStateProperty);
  dialogs.add(
    new OpenCaseDialog({
      services,
      identity,
      identityState: (step) => identityProperty.get(step.context, {}),
      ...(options.onUserLinked ? { onUserLinked: options.onUserLinked } : {}),
    }),
  );

  async function reply(context: TurnContext, text: string, suggestions: readonly string[] = []): Promise<void> {
    const activity = suggestions.length ? MessageFactory.suggestedActions([...suggestions], text) : MessageFactory.text(text);
    await context.sendActivity(activity);
  }

  function helpText(actor: Actor | undefined): string {
    const lines = actor && isStaff(actor) ? [...AGENT_HELP, ...(isManager(actor) ? SUPERVISOR_HELP : [])] : CUSTOMER_HELP;
    const who = actor ? `You are ${actor.displayName} (${actor.role}).` : 'I don\'t know who you are yet: you can still open a case, or type "link <code>" to link this chat to your account.';
    return `${who} You can type:\n\n${lines.map((l) => `- ${l}`).join('\n')}`;
  }

  function helpSuggestions(actor: Actor | undefined): string[] {
    if (actor && isStaff(actor)) return isManager(actor) ? ['my queues', 'take next', 'at-risk cases', 'help'] : ['my queues', 'take next', 'help'];
    return ['new case', 'my cases', 'help'];
  }

  async function help(context: TurnContext, actor: Actor | undefined, prefix?: string): Promise<void> {
    await reply(context, `${prefix ? `${prefix}\n\n` : ''}${helpText(actor)}`, helpSuggestions(actor));
  }

  /** A service failure as a reply saying what to do next; anything else goes to the adapter's turn error. */
  async function explain(context: TurnContext, error: unknown, caseNumber: string | undefined): Promise<void> {
    const which = caseNumber ?? 'that case';
    if (error instanceof NotFoundError) {
      await reply(context, `I can't find ${which}. Type "my cases" to see the cases you can open.`, ['my cases', 'help']);
    } else if (error instanceof ForbiddenError) {
      await reply(context, `You can't do that on ${which}: ${error.message}. Type "show ${which}" to see what you can do.`);
    } else if (error instanceof ConflictError) {
      await reply(context, `${which} isn't ready for that: ${error.message}. Type "show ${which}" to see its stage and steps.`);
    } else if (error instanceof ValidationError) {
      await reply(context, `That didn't work: ${error.message}. Type "help" for examples.`);
    } else {
      throw error;
    }
  }

  function caseOf(entities: Entities, conversation: ConversationData): string | undefined {
    return entities.caseNumber ?? conversation.currentCase;
  }

  async function needCase(context: TurnContext, example: string): Promise<void> {
    await reply(context, `Which case? For example "${example}". Type "my cases" to list them.`);
  }

  async function showCase(context: TurnContext, actor: Actor, caseNumber: string, prefix?: string): Promise<void> {
    const view = await services.caseWork.getState(caseNumber, actor);
    const [owner, queue, zone] = await Promise.all([
      view.ownerUserId ? services.db('users').where({ id: view.ownerUserId }).first<{ display_name: string } | undefined>('display_name') : undefined,
      view.queueId ? services.db('queues').where({ id: view.queueId }).first<{ name: string } | undefined>('name') : undefined,
      view.slaPolicy
        ? services.db('sla_policies as p').leftJoin('business_calendars as c', 'c.id', 'p.business_calendar_id').where('p.id', view.slaPolicy.id).first<{ time_zone: string | null } | undefined>('c.time_zone')
        : undefined,
    ]);
    const attachment = caseCard(view, { staff: isStaff(actor), ownerName: owner?.display_name ?? null, queueName: queue?.name ?? null, timeZone: zone?.time_zone ?? 'UTC' });
    const current = view.stages.find((s) => s.current);
    const missing = current?.steps.filter((s) => !s.done).map((s) => s.label) ?? [];
    const summary = `${prefix ? `${prefix} ` : ''}${caseNumber} is ${statusLabel(view.status).toLowerCase()}, stage ${current?.label ?? view.stage}${missing.length ? ` (to do: ${missing.join(', ')})` : ''}.`;
    const activity = MessageFactory.attachment(attachment, summary);
    await context.sendActivity(activity);
  }

  async function findQueue(name: string): Promise<{ id: string; name: string } | undefined> {
    const clean = name.trim();
    return (
      (await services.db('queues').whereRaw('lower(name) = lower(?)', [clean]).first<{ id: string; name: string } | undefined>('id', 'name')) ??
      (await services.db('queues').whereRaw('lower(name) like lower(?)', [`%${clean.replace(/[%_\\]/g, '')}%`]).orderBy('name').first<{ id: string; name: string } | undefined>('id', 'name'))
    );
  }

  async function queueNames(): Promise<string> {
    const names = await services.db('queues').orderBy('name').pluck<string[]>('name');
    return names.join(', ');
  }

  /** Runs one recognised intent for a known actor. */
  async function perform(context: TurnContext, actor: Actor, match: IntentMatch, conversation: ConversationData): Promise<void> {
    const { intent, entities } = match;
    const staff = isStaff(actor);
    const caseNumber = caseOf(entities, conversation);
    const staffOnly = async (): Promise<boolean> => {
      if (staff) return true;
      await help(context, actor, 'That is something agents do.');
      return false;
    };
    const act = async (run: (cn: string) => Promise<unknown>, example: string, done: (cn: string) => string | Promise<void>): Promise<void> => {
      if (!caseNumber) return needCase(context, example);
      try {
        await run(caseNumber);
        conversation.currentCase = caseNumber;
        const message = await done(caseNumber);
        if (typeof message === 'string') await reply(context, message);
      } catch (error) {
        await explain(context, error, caseNumber);
      }
    };

    switch (intent) {
      case 'myCases': {
        const statuses = staff ? [...OPEN_CASE_STATUSES] : undefined;
        const filter = staff ? { status: statuses, ownerUserId: actor.userId } : {};
        const { items, total } = await services.caseRecords.list(caseScopeFor(actor), filter, '-createdAt', 10, 0);
        if (items.length === 0) return reply(context, staff ? 'You have no cases in progress. Type "take next" to pick one up.' : 'You have no cases. Describe your problem to open one.', staff ? ['take next'] : ['new case']);
        const lines = items.map((c) => `- **${c.caseNumber}** ${c.title} — ${statusLabel(c.status)}, ${c.stage}`);
        return reply(context, `${staff ? 'Your cases in progress' : 'Your cases'} (${items.length} of ${total}):\n\n${lines.join('\n')}`, items.slice(0, 3).map((c) => `status ${c.caseNumber}`));
      }
      case 'status':
      case 'showCase':
        if (!caseNumber) return needCase(context, 'status CAS-01000');
        try {
          await showCase(context, actor, caseNumber);
          conversation.currentCase = caseNumber;
        } catch (error) {
          await explain(context, error, caseNumber);
        }
        return;
      case 'addInfo':
        if (!entities.text) return reply(context, `What should I add? For example "add info ${caseNumber ?? 'CAS-01000'}: the model is X200".`);
        if (staff) return reply(context, 'Agents log information as an activity: "log note 5 min …".');
        return act((cn) => services.caseWork.act(cn, actor, 'addCustomerNote', { text: entities.text ?? '' }), 'add info CAS-01000: …', (cn) => `Thanks, I've added that to ${cn}. The agent will see it.`);
      case 'cancelCase':
        if (!entities.caseNumber) return reply(context, 'Which case should I cancel? Type "cancel CAS-01000" (nothing is cancelled until you name it).');
        return act((cn) => services.caseWork.act(cn, actor, 'cancel', { reason: entities.text ?? 'cancelled in chat' }), 'cancel CAS-01000', (cn) => `${cn} is cancelled. You can reopen it within the reopen window: "reopen ${cn}".`);
      case 'reopen':
        return act((cn) => services.caseWork.act(cn, actor, 'reopen', { reason: entities.text ?? 'reopened in chat' }), 'reopen CAS-01000', (cn) => `${cn} is open again; an agent will pick it up.`);
      case 'surveyAnswer': {
        const rating = entities.rating;
        if (!rating) return reply(context, 'Please rate from 1 to 5, for example "rate 5 great service".');
        return act(
          (cn) => services.caseWork.act(cn, actor, 'answerSurvey', { rating, comment: entities.text ?? '' }),
          'rate CAS-01000 5',
          (cn) => `Thank you! Your rating of ${rating}/5 for ${cn} is recorded.`,
        );
      }
      case 'myQueues': {
        if (!(await staffOnly())) return;
        const queues = await services.db('queues').whereIn('id', actor.queueIds.length ? [...actor.queueIds] : ['00000000-0000-0000-0000-000000000000']).orderBy('name').select<{ id: string; name: string }[]>('id', 'name');
        if (queues.length === 0) return reply(context, 'You are not a member of any queue.');
        const counts = await services.db('cases')
          .whereIn('queue_id', queues.map((q) => q.id))
          .groupBy('queue_id')
          .select<{ queue_id: string; waiting: string; in_progress: string; at_risk: string }[]>(
            'queue_id',
            services.db.raw(`count(*) filter (where status = 'active' and owner_user_id is null) as waiting`),
            services.db.raw(`count(*) filter (where owner_user_id is not null and status in ('active','on_hold','waiting_for_customer')) as in_progress`),
            services.db.raw(`count(*) filter (where status in ('active','on_hold','waiting_for_customer') and sla_state in ('nearing_noncompliance','noncompliant')) as at_risk`),
          );
        const byQueue = new Map(counts.map((c) => [c.queue_id, c]));
        const lines = queues.map((q) => {
          const c = byQueue.get(q.id);
          return `- **${q.name}**: ${Number(c?.waiting ?? 0)} waiting, ${Number(c?.in_progress ?? 0)} in progress, ${Number(c?.at_risk ?? 0)} at risk`;
        });
        return reply(context, `Your queues:\n\n${lines.join('\n')}`, ['take next']);
      }
      case 'takeNext': {
        if (!(await staffOnly())) return;
        if (actor.queueIds.length === 0) return reply(context, 'You are not a member of any queue, so there is nothing to take.');
        const waiting = await services.db('cases')
          .whereIn('queue_id', [...actor.queueIds])
          .where({ status: 'active' })
          .whereNull('owner_user_id')
          .orderBy([{ column: 'created_at' }, { column: 'case_number' }])
          .limit(10)
          .pluck<string[]>('case_number');
        for (const candidate of waiting) {
          try {
            await services.caseWork.act(candidate, actor, 'accept', {});
          } catch (error) {
            // Someone else took it first, or it closed: try the next one.
            if (error instanceof ConflictError || error instanceof ForbiddenError || error instanceof NotFoundError) continue;
            throw error;
          }
          conversation.currentCase = candidate;
          return showCase(context, actor, candidate, 'You took');
        }
        return reply(context, 'Nothing is waiting in your queues. 🎉', ['my queues']);
      }
      case 'accept':
        if (!(await staffOnly())) return;
        if (!caseNumber) return needCase(context, 'accept CAS-01000');
        try {
          await services.caseWork.act(caseNumber, actor, 'accept', {});
          conversation.currentCase = caseNumber;
          await showCase(context, actor, caseNumber, 'You accepted');
        } catch (error) {
          await explain(context, error, caseNumber);
        }
        return;
      case 'completeStep':
        if (!(await staffOnly())) return;
        if (entities.step !== 'customer_confirmed') {
          return reply(context, 'The only step ticked by hand is "customer confirmed". Product and category follow from "set product …" and "set subject …"; research from a knowledge search, an article or an activity.');
        }
        return act((cn) => services.caseWork.act(cn, actor, 'completeStep', { stepId: 'customer_confirmed' }), 'confirm customer CAS-01000', async (cn) => showCase(context, actor, cn, 'Step done:'));
      case 'advance':
        if (!(await staffOnly())) return;
        return act((cn) => services.caseWork.act(cn, actor, 'advanceStage', {}), 'advance CAS-01000', async (cn) => showCase(context, actor, cn, 'Advanced:'));
      case 'setDetails': {
        if (!(await staffOnly())) return;
        let productId: string | undefined;
        if (entities.product) {
          const product = await services.db('products')
            .whereRaw('lower(code) = lower(?) or lower(name) = lower(?)', [entities.product, entities.product])
            .first<{ id: string } | undefined>('id');
          if (!product) {
            const codes = await services.db('products').orderBy('code').pluck<string[]>('code');
            return reply(context, `I don't know the product "${entities.product}". Products: ${codes.join(', ')}.`);
          }
          productId = product.id;
        }
        const subject = entities.subject?.slice(0, 200);
        return act(
          (cn) => services.caseWork.act(cn, actor, 'updateDetails', { ...(productId ? { productId } : {}), ...(subject ? { subject } : {}) }),
          'set product PRN-100',
          (cn) => `${cn}: ${productId ? 'product' : 'subject'} set.`,
        );
      }
      case 'logActivity': {
        if (!(await staffOnly())) return;
        const minutes = entities.minutes ?? 0;
        if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) return reply(context, 'Please give the time spent in minutes, from 0 to 1440, e.g. "log call 15 min".');
        const type = entities.activityType ?? 'note';
        const label = type.replace('_', ' ');
        return act(
          (cn) =>
            services.caseWork.act(cn, actor, 'addActivity', {
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
      }
      case 'searchKnowledge': {
        if (!entities.text) return reply(context, 'What should I search for? For example "search knowledge printer offline".');
        const result = await services.knowledge.search(actor, { text: entities.text.slice(0, 200), limit: 5 });
        if (staff && caseNumber) {
          try {
            await services.caseWork.act(caseNumber, actor, 'recordKnowledgeSearch', { query: entities.text.slice(0, 200) });
          } catch {
            // Searching still helps when the case cannot record it (not the owner, closed).
          }
        }
        if (result.items.length === 0) return reply(context, `No articles match "${entities.text}".`);
        await context.sendActivity(MessageFactory.attachment(articlesCard(`Articles for "${entities.text}":`, result.items, staff ? caseNumber : undefined)));
        return;
      }
      case 'sendArticle': {
        if (!(await staffOnly())) return;
        if (!entities.articleNumber) return reply(context, 'Which article? For example "send KA-01002".');
        const article = await services.db('knowledge_articles').where({ article_number: entities.articleNumber, status: 'published' }).first<{ id: string; title: string } | undefined>('id', 'title');
        if (!article) return reply(context, `I can't find a published article ${entities.articleNumber}. Type "search knowledge …" to find one.`);
        return act((cn) => services.caseWork.act(cn, actor, 'linkArticle', { articleId: article.id, sendToCustomer: true }), 'send KA-01002 to CAS-01000', (cn) => `Sent ${entities.articleNumber} "${article.title}" to the customer of ${cn}.`);
      }
      case 'reply': {
        if (!(await staffOnly())) return;
        const text = entities.text;
        if (!text) return reply(context, 'What should I tell the customer? For example "reply We are looking into it".');
        return act((cn) => services.caseWork.act(cn, actor, 'reply', { text }), 'reply to CAS-01000: …', (cn) => `Your reply is on its way to the customer of ${cn}.`);
      }
      case 'hold':
        if (!(await staffOnly())) return;
        return act(
          (cn) => services.caseWork.act(cn, actor, 'hold', { status: entities.holdStatus ?? 'on_hold', reason: entities.text ?? 'put on hold in chat' }),
          'hold CAS-01000 waiting for parts',
          (cn) => `${cn} is ${entities.holdStatus === 'waiting_for_customer' ? 'waiting for the customer' : 'on hold'}. Type "resume" to continue.`,
        );
      case 'resume':
        if (!(await staffOnly())) return;
        return act((cn) => services.caseWork.act(cn, actor, 'resume', {}), 'resume CAS-01000', (cn) => `${cn} is active again.`);
      case 'transfer':
      case 'dispatch': {
        if (!(await staffOnly())) return;
        const queue = entities.queue ? await findQueue(entities.queue) : undefined;
        if (!queue) return reply(context, `I don't know the queue "${entities.queue ?? ''}". Queues: ${await queueNames()}.`);
        return act((cn) => services.caseWork.act(cn, actor, intent, { queueId: queue.id }), `${intent} CAS-01000 to ${queue.name}`, (cn) => `${cn} is now in ${queue.name}.`);
      }
      case 'reject':
        if (!(await staffOnly())) return;
        if (!entities.text) return reply(context, 'Please give a reason, for example "reject CAS-01000 not a support question".');
        return act((cn) => services.caseWork.act(cn, actor, 'reject', { reason: entities.text ?? '' }), 'reject CAS-01000 reason', (cn) => `${cn} went back to whoever created it.`);
      case 'resolve': {
        if (!(await staffOnly())) return;
        const text = entities.text;
        if (!text) return reply(context, 'Please give the resolution, for example "resolve restarted the print spooler".');
        const resolutionType = /^(?:workaround)\b/i.test(text) ? 'workaround' : /^(?:info|information)\b/i.test(text) ? 'information_provided' : 'problem_solved';
        return act((cn) => services.caseWork.act(cn, actor, 'resolve', { resolutionText: text, resolutionType }), 'resolve CAS-01000 …', (cn) => `${cn} is resolved. The customer will get the survey.`);
      }
      case 'assign': {
        if (!isManager(actor)) return help(context, actor, 'Only supervisors and administrators can assign cases.');
        const who = entities.user;
        if (!who) return reply(context, 'To whom? For example "assign CAS-01000 to gina".');
        const user = await services.db('users')
          .whereIn('role', ['agent', 'supervisor', 'admin'])
          .andWhere((q) => q.whereRaw('lower(username) = lower(?)', [who]).orWhereRaw('lower(display_name) = lower(?)', [who]))
          .first<{ id: string; display_name: string } | undefined>('id', 'display_name');
        if (!user) return reply(context, `I don't know an agent "${who}".`);
        return act((cn) => services.caseWork.act(cn, actor, 'assign', { userId: user.id }), 'assign CAS-01000 to gina', (cn) => `${cn} is assigned to ${user.display_name}.`);
      }
      case 'yank':
        if (!isManager(actor)) return help(context, actor, 'Only supervisors and administrators can yank cases.');
        return act((cn) => services.caseWork.act(cn, actor, 'yank', {}), 'yank CAS-01000', (cn) => `${cn} is back in its queue; nobody works it now.`);
      case 'atRisk': {
        if (!isManager(actor)) return help(context, actor, 'The at-risk list is for supervisors.');
        const rows = await services.db('cases')
          .whereIn('status', [...OPEN_CASE_STATUSES])
          .whereIn('sla_state', ['nearing_noncompliance', 'noncompliant'])
          .orderBy([{ column: 'first_response_by' }, { column: 'resolve_by' }])
          .limit(15)
          .select<{ case_number: string; title: string; sla_state: string; resolve_by: Date | null }[]>('case_number', 'title', 'sla_state', 'resolve_by');
        if (rows.length === 0) return reply(context, 'No open case has its SLA at risk.');
        const lines = rows.map((r) => `- **${r.case_number}** ${r.title} — ${r.sla_state.replace(/_/g, ' ')}, resolve by ${formatInstant(r.resolve_by ? new Date(r.resolve_by).toISOString() : null)}`);
        return reply(context, `Cases at risk:\n\n${lines.join('\n')}`);
      }
      default:
        return help(context, actor, 'Sorry, I didn\'t understand that.');
    }
  }

  const bot = new ActivityHandler();

  bot.onMembersAdded(async (context, next) => {
    for (const member of context.activity.membersAdded ?? []) {
      if (member.id === context.activity.recipient.id) continue;
      const state = await identityProperty.get(context, {});
      const { actor } = await identity.identify(context, state);
      await help(context, actor, `Welcome to caseflow support${actor ? `, ${actor.displayName}` : ''}!`);
    }
    await next();
  });

  bot.onMessage(async (context, next) => {
    const activity: Activity = context.activity;
    const conversation = await conversationProperty.get(context, {});
    const state = await identityProperty.get(context, {});
    const { actor, source } = await identity.identify(context, state);
    const text = typeof activity.text === 'string' ? activity.text.trim() : '';
    const dc = await dialogs.createContext(context);

    // Card submissions: checked, then run as the intent the button stands for.
    if (activity.value !== undefined && activity.value !== null && text === '') {
      const submission = parseSubmission(activity.value);
      if (!submission.ok) {
        await reply(context, `${submission.reason} Nothing was changed. Type "help" to see what you can do.`);
      } else if (!actor) {
        await help(context, actor, 'Please link this chat to your account first.');
      } else {
        if (dc.activeDialog) await dc.cancelAllDialogs();
        await perform(context, actor, submission.match, conversation);
      }
      return next();
    }

    if ((activity.attachments?.length ?? 0) > 0 && text === '') {
      await reply(context, 'I can\'t read attachments yet. Please describe it in words, or email it to support quoting your case number.');
      return next();
    }
    if (text.length > MAX_TEXT_CHARS) {
      await reply(context, `That message is too long for me (${text.length} characters; at most ${MAX_TEXT_CHARS}). Please shorten it. Nothing was changed.`, ['help']);
      return next();
    }
    if (text === '') {
      await help(context, actor, 'I got an empty message.');
      return next();
    }

    const match = matchIntent(text);
    if (dc.activeDialog) {
      if (match.intent === 'cancelCase' && !match.entities.caseNumber) {
        await dc.cancelAllDialogs();
        await reply(context, 'OK, I\'ve stopped. No case was opened.', ['new case', 'help']);
        return next();
      }
      if (match.intent === 'help') {
        await reply(context, 'We are opening a case: answer the question above, or type "cancel" to stop.');
        await dc.repromptDialog();
        return next();
      }
      rememberCreated(await dc.continueDialog(), conversation);
      return next();
    }

    switch (match.intent) {
      case 'help':
      case 'none':
        await help(context, actor, match.intent === 'none' ? 'Sorry, I didn\'t understand that.' : undefined);
        return next();
      case 'greeting':
        await help(context, actor, `Hello${actor ? ` ${actor.displayName}` : ''}!`);
        return next();
      case 'whoAmI':
        await reply(context, actor ? `You are ${actor.displayName} (${actor.role}), ${source === 'signed-in' ? 'signed in on the chat page' : 'linked in this chat'}.` : 'I don\'t know you yet. Type "link <code>" or just describe your problem.');
        return next();
      case 'link': {
        if (source === 'signed-in') {
          await reply(context, `You are already signed in as ${actor?.displayName ?? 'yourself'}.`);
          return next();
        }
        const result = await identity.link(match.entities.code ?? '', state);
        if (result.ok) await options.onUserLinked?.(context, result.actor.userId);
        await reply(context, result.ok ? `Linked: you are ${result.actor.displayName} (${result.actor.role}).${result.how === 'username' ? ' (demo link by username — development mode only)' : ''}` : result.reason, result.ok ? helpSuggestions(result.actor) : []);
        return next();
      }
      case 'linkCode':
        if (!actor || source !== 'signed-in') {
          await reply(context, 'Link codes are given to signed-in users: sign in on the chat page and type "link code" there.');
        } else {
          const code = await identity.issueLinkCode(actor);
          await reply(context, `Your one-time link code is **${code}** (valid 10 minutes). In the other chat, type "link ${code}".`);
        }
        return next();
      case 'unlink':
        identity.unlink(state);
        await reply(context, source === 'signed-in' ? 'You are signed in on the chat page; sign out there.' : 'This chat is no longer linked to your account.');
        return next();
      case 'openCase': {
        if (actor && actor.role !== 'customer') {
          await reply(context, 'Cases are opened by customers (or through the API for staff). Type "help" to see what you can do.');
          return next();
        }
        const opening: OpenCaseOptions = {
          channel: channelFor(context),
          ...(actor ? { userId: actor.userId } : {}),
          ...(match.entities.text ? { description: match.entities.text } : {}),
        };
        rememberCreated(await dc.beginDialog(OPEN_CASE_DIALOG, opening), conversation);
        return next();
      }
      default:
        if (!actor) {
          await help(context, actor, 'I need to know who you are for that.');
          return next();
        }
        await perform(context, actor, match, conversation);
        return next();
    }
  });

  bot.onDialog(async (context, next) => {
    await conversationState.saveChanges(context, false);
    await userState.saveChanges(context, false);
    await next();
  });

  logger.debug({ mode }, 'caseflow bot ready');
  return bot;

  /**
   * Our own Web Chat page, used signed in, is the customer's web portal: the case's channel is
   * 'web' (which the demo contracts cover); any other conversation is 'chat'.
   */
  function channelFor(context: TurnContext): Channel {
    return (signedIn ?? signedInUserIdOf)(context) !== undefined ? 'web' : 'chat';
  }
}

/** The survey card for a resolved case, for the proactive sender (bot/conversation-references.ts). */
export { surveyCard };
