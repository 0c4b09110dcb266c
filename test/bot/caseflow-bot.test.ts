import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ActivityTypes, MemoryStorage, TestAdapter, type Activity, type Attachment } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../app/wiring/services.wiring';
import { createBotServices } from '../../app/wiring/bot.wiring';
import { loadConfig } from '../../app/process/config';
import type { BotServices } from '../../bot/bot-services';
import { BotStateStorage } from '../../bot/bot-state-storage';
import { createCaseflowBot } from '../../bot/caseflow-bot';
import { createBotStateRepository } from '../../db/repositories/bot-state.repository';
import { DEMO } from '../../db/seeds/demo';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;
let services: AppServices;
let botServices: BotServices;

beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
  const config = loadConfig({
    NODE_ENV: 'test',
    TEMPORAL_TASK_QUEUE: harness.taskQueue,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    LOG_LEVEL: 'silent',
    SMTP_LISTEN_PORT: '0',
  });
  services = createAppServices(config, harness.database.db, env.client);
  botServices = createBotServices(harness.database.db, services);
});

afterAll(async () => {
  await stop?.();
});

/** The claim our Web Chat channel adds (bot/adapter.ts processTrustedActivity), so signedInUserIdOf finds the user. */
const CASEFLOW_USER_CLAIM = 'urn:caseflow:user-id';

interface ChatUser {
  say(text: string | Partial<Activity>): Promise<Partial<Activity>[]>;
}

function replyText(replies: readonly Partial<Activity>[]): string {
  return replies.map((r) => r.text ?? '').join('\n');
}

function cardsOf(replies: readonly Partial<Activity>[]): Record<string, unknown>[] {
  return replies.flatMap((r) => (r.attachments ?? []).map((a: Attachment) => a.content as Record<string, unknown>));
}

async function userIdOf(username: string): Promise<string> {
  const row = await harness.database.db('users').where({ username }).first<{ id: string }>('id');
  return row.id;
}

/** A conversation with the bot over the given storage; `signedInAs` simulates our signed-in Web Chat page. */
async function chat(name: string, options: { signedInAs?: string; storage?: BotStateStorage | MemoryStorage } = {}): Promise<ChatUser> {
  const storage = options.storage ?? new BotStateStorage(createBotStateRepository(harness.database.db));
  const bot = createCaseflowBot({ services: botServices, storage, mode: 'test', logger: pino({ level: 'silent' }) });
  const adapter = new TestAdapter(async (context) => bot.run(context));
  adapter.conversation.conversation = { id: `conv-${name}-${Math.random()}`, isGroup: false, conversationType: 'personal', name };
  adapter.conversation.user = { id: `user-${name}-${Math.random()}`, name };
  const userId = options.signedInAs ? await userIdOf(options.signedInAs) : undefined;
  if (userId) {
    adapter.use(async (context, next) => {
      context.turnState.set(context.adapter.BotIdentityKey, new ClaimsIdentity([{ type: CASEFLOW_USER_CLAIM, value: userId }], true));
      await next();
    });
  }
  return {
    async say(input) {
      adapter.activeQueue.splice(0);
      await adapter.receiveActivity(typeof input === 'string' ? { type: ActivityTypes.Message, text: input } : input);
      return adapter.activeQueue.splice(0);
    },
  };
}

/** The stored answers to the case's surveys (survey_responses), as the records keep them. */
async function surveyResponsesOf(caseNumber: string): Promise<{ rating: number; comment: string }[]> {
  const rows = await harness.database.db('survey_responses as r')
    .join('surveys as s', 's.id', 'r.survey_id')
    .join('cases as c', 'c.id', 's.case_id')
    .where('c.case_number', caseNumber)
    .select<{ rating: number | string; comment: string }[]>('r.rating', 'r.comment');
  return rows.map((r) => ({ rating: Number(r.rating), comment: r.comment }));
}

async function remainingGoldTerms(): Promise<number> {
  const row = await harness.database.db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms');
  return Number(row.remaining_terms);
}

describe('the caseflow bot', () => {
  let caseNumber = '';

  it('welcomes a new member', async () => {
    const alice = await chat('alice-welcome', { signedInAs: 'alice' });
    const replies = await alice.say({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'someone', name: 'Alice' }] });
    expect(replyText(replies)).toContain('Welcome to caseflow support, Alice Gold');
  });

  it('lets a signed-in customer open a case: articles first, then product, urgency, confirmation, case number and SLA promise', async () => {
    const before = await remainingGoldTerms();
    const alice = await chat('alice', { signedInAs: 'alice' });
    let replies = await alice.say('my printer is offline and will not print');
    expect(cardsOf(replies).length).toBe(1);
    expect(JSON.stringify(cardsOf(replies)[0])).toContain('KA-');
    expect(replyText(replies)).toContain('Did this solve it?');
    replies = await alice.say('No');
    expect(replyText(replies)).toContain('Which product');
    replies = await alice.say('Skip');
    expect(replyText(replies)).toContain('How urgent');
    replies = await alice.say('high');
    expect(replyText(replies)).toContain('Shall I open the case?');
    replies = await alice.say('Yes');
    const text = replyText(replies);
    expect(text).toMatch(/Your case \*\*CAS-\d{5}\*\* is open\. An agent will contact you within 15 minutes\./);
    caseNumber = /CAS-\d{5}/.exec(text)?.[0] ?? '';
    const record = await services.caseRecords.findByCaseNumber(caseNumber);
    expect(record).toMatchObject({ priority: 'high', channel: 'web', status: 'active' });
    expect(await remainingGoldTerms()).toBe(before);

    replies = await alice.say(`status of ${caseNumber}`);
    expect(replyText(replies)).toContain(`${caseNumber} is active, stage Identify`);
    expect(JSON.stringify(cardsOf(replies)[0])).toContain(caseNumber);
    replies = await alice.say('my cases');
    expect(replyText(replies)).toContain(caseNumber);
    replies = await alice.say('take next');
    expect(replyText(replies)).toContain('That is something agents do.');
  });

  it('takes what the customer describes next as information for their open case, not a new case; "status" finds it', async () => {
    const casesBefore = await harness.database.db('cases').count<{ n: string }[]>('* as n');
    const alice = await chat('alice', { signedInAs: 'alice' });
    let replies = await alice.say('I tried that, the printer is still offline');
    expect(replyText(replies)).toContain(`I've added that to ${caseNumber}`);
    const notes = await eventually(
      () => harness.database.db('activities as a').join('cases as c', 'c.id', 'a.case_id').where({ 'c.case_number': caseNumber }).pluck<string[]>('a.body'),
      (bodies) => bodies.includes('I tried that, the printer is still offline'),
    );
    expect(notes).toContain('I tried that, the printer is still offline');
    expect(await harness.database.db('cases').count<{ n: string }[]>('* as n')).toEqual(casesBefore);

    // In another conversation, with no case named: her one open case.
    const elsewhere = await chat('alice-elsewhere', { signedInAs: 'alice' });
    replies = await elsewhere.say("what's the status of my case?");
    expect(replyText(replies)).toContain(`${caseNumber} is active, stage Identify`);
    replies = await elsewhere.say('any news on my printer problem?');
    expect(replyText(replies)).toContain(`${caseNumber} is active`);
  });

  it('never shows another customer\'s case, typed or forged in a card', async () => {
    const bob = await chat('bob', { signedInAs: 'bob' });
    let replies = await bob.say(`status ${caseNumber}`);
    expect(replyText(replies)).toContain(`I can't find ${caseNumber}`);
    replies = await bob.say({ type: ActivityTypes.Message, value: { action: 'cancelCase', caseNumber } });
    expect(replyText(replies)).toContain(`I can't find ${caseNumber}`);
    replies = await bob.say({ type: ActivityTypes.Message, value: { action: 'dropTables', caseNumber } });
    expect(replyText(replies)).toContain("I don't know that button");
    expect((await services.caseRecords.findByCaseNumber(caseNumber))?.status).toBe('active');
  });

  it('lets an agent take the case, work it through the stages and resolve it; the entitlement shows one less', async () => {
    const before = await remainingGoldTerms();
    const gina = await chat('gina', { signedInAs: 'gina' });
    let replies = await gina.say('my queues');
    expect(replyText(replies)).toMatch(/Gold support\*\*: 1 waiting/);
    replies = await gina.say('take next');
    expect(replyText(replies)).toContain(`You took ${caseNumber}`);
    replies = await gina.say('advance');
    // The refusal says what each missing step takes: Identify needs both a product and a subject.
    expect(replyText(replies)).toContain("isn't ready for that");
    expect(replyText(replies)).toContain('type "confirm customer"');
    expect(replyText(replies)).toContain('both a product and a subject are needed: type "set product PRN-100" and "set subject Printing" ("products" lists the product codes)');
    replies = await gina.say({ type: ActivityTypes.Message, value: { action: 'completeStep', caseNumber, stepId: 'customer_confirmed' } });
    expect(replyText(replies)).toContain('Step done:');
    replies = await gina.say(`set product ${DEMO.productCodes.printer}`);
    expect(replyText(replies)).toContain('product set');
    // A product alone is not enough.
    replies = await gina.say('advance');
    expect(replyText(replies)).toContain('Identify is not finished: Product and category set');
    expect(replyText(replies)).toContain('"set subject Printing"');
    expect(replyText(replies)).not.toContain('confirm customer');
    expect(replyText(await gina.say('set subject Printing'))).toContain('subject set');
    replies = await gina.say('advance');
    expect(replyText(replies)).toContain('stage Research');
    replies = await gina.say('search knowledge printer offline');
    expect(JSON.stringify(cardsOf(replies))).toContain('sendArticle');
    replies = await gina.say('send KA-01002');
    expect(replyText(replies)).toContain('Sent KA-01002');
    replies = await gina.say('reply We have sent you an article; please try it.');
    expect(replyText(replies)).toContain('on its way');
    replies = await gina.say('log call 15 min walked Alice through it');
    expect(replyText(replies)).toContain('15 minutes');
    replies = await gina.say('advance');
    expect(replyText(replies)).toContain('stage Resolve');
    replies = await gina.say('resolve restarted the print spooler');
    expect(replyText(replies)).toContain(`${caseNumber} is resolved`);
    await eventually(() => remainingGoldTerms(), (n) => n === before - 1);
    expect((await services.caseRecords.findByCaseNumber(caseNumber))?.status).toBe('resolved');
  });

  it('lists the active products\' codes and names on "products", and the agent help mentions it', async () => {
    await harness.database.db('products').insert({ code: 'OLD-9', name: 'Retired fax machine', description: 'No longer sold.', active: false }).onConflict('code').ignore();
    const gina = await chat('gina-products', { signedInAs: 'gina' });
    const text = replyText(await gina.say('which products are there?'));
    expect(text).toMatch(/^Products \(type "set product" and a code/);
    expect(text).toContain(`- **${DEMO.productCodes.printer}** OfficeJet 100 printer`);
    expect(text).toContain(`- **${DEMO.productCodes.vpn}** SecureConnect VPN`);
    expect(text).not.toContain('OLD-9');
    expect(replyText(await gina.say('help'))).toContain('**products** lists the codes');
    // A customer may read the catalogue too, without the agents' instructions.
    const alice = await chat('alice-products', { signedInAs: 'alice' });
    const forAlice = replyText(await alice.say('products'));
    expect(forAlice).toMatch(/^Products:\n\n/);
    expect(forAlice).toContain('OfficeJet 100 printer');
  });

  it('records a well-formed survey answer from nobody but the case\'s customer: not another customer, not the agent', async () => {
    // The case is resolved and its survey is out, waiting for an answer: a valid rating would be taken.
    const alice = await actorOf('alice');
    const view = await eventually(() => services.caseWork.getState(caseNumber, alice), (v) => v.survey !== null);
    expect(view.survey).toMatchObject({ answeredAt: null, expired: false });
    expect(await surveyResponsesOf(caseNumber)).toEqual([]);

    // Another customer presses a survey card carrying alice's case number: to bob the case does not exist.
    const bob = await chat('bob-survey', { signedInAs: 'bob' });
    let replies = await bob.say({ type: ActivityTypes.Message, value: { action: 'answerSurvey', caseNumber, rating: '1', comment: 'forged by bob' } });
    expect(await surveyResponsesOf(caseNumber)).toEqual([]);
    expect(replyText(replies)).toBe(`I can't find ${caseNumber}. Type "my cases" to see the cases you can open.`);

    // The agent who resolved it may see the case, but the survey is the customer's to answer.
    const gina = await chat('gina-survey', { signedInAs: 'gina' });
    replies = await gina.say({ type: ActivityTypes.Message, value: { action: 'answerSurvey', caseNumber, rating: '1', comment: 'forged by gina' } });
    expect(await surveyResponsesOf(caseNumber)).toEqual([]);
    expect(replyText(replies)).toContain(`You can't do that on ${caseNumber}: only the customer may answer the survey`);
    expect((await services.caseWork.getState(caseNumber, alice)).survey?.answeredAt).toBeNull();
  });

  it('lets the customer answer by typing "rate 5 …" with no case named (her one survey waiting), and stores her rating', async () => {
    const alice = await chat('alice-rates', { signedInAs: 'alice' });
    const replies = await alice.say('rate 5 quick');
    // The Update returns once its writes are recorded: the answer is stored by now.
    expect(await surveyResponsesOf(caseNumber)).toEqual([{ rating: 5, comment: 'quick' }]);
    expect(replyText(replies)).toBe(`Thank you! Your rating of 5/5 for ${caseNumber} is recorded.`);
    const view = await services.caseWork.getState(caseNumber, await actorOf('alice'));
    expect(view.survey).toMatchObject({ rating: 5 });
    expect(view.survey?.answeredAt).not.toBeNull();
  });

  it('answers garbage, empty, huge input and attachments with help, never silence', async () => {
    const alice = await chat('alice-garbage', { signedInAs: 'alice' });
    expect(replyText(await alice.say('blorp zzz'))).toContain("didn't understand");
    expect(replyText(await alice.say('   '))).toContain('empty message');
    expect(replyText(await alice.say('x'.repeat(10_000)))).toContain('too long');
    expect(replyText(await alice.say({ type: ActivityTypes.Message, attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] }))).toContain("can't read attachments");
    expect(replyText(await alice.say('status CAS-99999'))).toContain("I can't find CAS-99999");
  });

  it('opens a case for an unknown chat user as a new contact', async () => {
    const stranger = await chat('stranger', { storage: new MemoryStorage() });
    let replies = await stranger.say('new case');
    expect(replyText(replies)).toContain('describe the problem');
    replies = await stranger.say('The billing portal shows the wrong invoice total');
    if (replyText(replies).includes('Did this solve it?')) replies = await stranger.say('No');
    expect(replyText(replies)).toContain('what is your name?');
    expect(replyText(await stranger.say('Nora New'))).toContain('Which email address');
    replies = await stranger.say('alice@contoso-gold.example');
    expect(replyText(replies)).toContain('already belongs to a customer');
    replies = await stranger.say('new case the billing portal shows the wrong total');
    if (replyText(replies).includes('Did this solve it?')) await stranger.say('No');
    await stranger.say('Nora New');
    replies = await stranger.say('nora@new.example');
    expect(replyText(replies)).toContain('Which product');
    expect(replyText(await stranger.say('Skip'))).toContain('How urgent');
    expect(replyText(await stranger.say('low'))).toContain('Shall I open the case?');
    replies = await stranger.say('Yes');
    expect(replyText(replies)).toMatch(/Your case \*\*CAS-\d{5}\*\* is open/);
    expect(replyText(await stranger.say('my cases'))).toMatch(/CAS-\d{5}/);
    expect(replyText(await stranger.say('who am i'))).toContain('Nora New (customer)');
  });
});

async function actorOf(username: string) {
  const actor = await services.users.findActor(await userIdOf(username));
  if (!actor) throw new Error(`no actor ${username}`);
  return actor;
}

async function queueIdOf(name: string): Promise<string> {
  const row = await harness.database.db('queues').where({ name }).first<{ id: string }>('id');
  return row.id;
}

/** A gold case opened by email (the harness's worker), routed into the gold queue and in the read model. */
async function openGoldCase(title: string): Promise<string> {
  const handle = await harness.openCase({ title });
  const state = await harness.waitForState(handle, (s) => s.queueId !== null);
  await eventually(() => services.caseRecords.findByCaseNumber(state.caseNumber), (record) => record?.queueId === state.queueId);
  return state.caseNumber;
}

describe('the caseflow bot for supervisors and agents', () => {
  it('lets a supervisor list the SLA-at-risk cases, assign one to an agent and yank it back', async () => {
    const sue = await chat('sue', { signedInAs: 'sue' });
    const gina = await chat('gina-supervised', { signedInAs: 'gina' });
    const sueActor = await actorOf('sue');
    const ginaId = await userIdOf('gina');
    const goldQueue = await queueIdOf(DEMO.goldQueueName);

    const caseNumber = await openGoldCase('VPN drops every hour');
    expect(replyText(await sue.say('at-risk cases'))).not.toContain(caseNumber);

    // Nobody answers: the gold first-response warning fires after 10 of its 15 minutes.
    await env.sleep('11 minutes');
    await eventually(() => services.caseRecords.findByCaseNumber(caseNumber), (record) => record?.slaState === 'nearing_noncompliance');
    let replies = await sue.say('at-risk cases');
    expect(replyText(replies)).toMatch(/^Cases at risk:\n\n/);
    expect(replyText(replies)).toContain(`**${caseNumber}** VPN drops every hour — nearing noncompliance, resolve by `);
    expect(replyText(await sue.say('show me the SLA warnings'))).toContain(caseNumber);
    // The list is the supervisors'.
    expect(replyText(await gina.say('at-risk cases'))).toContain('The at-risk list is for supervisors.');

    replies = await sue.say(`assign ${caseNumber} to gina`);
    expect(replyText(replies)).toBe(`${caseNumber} is assigned to Gina Agent.`);
    let state = await services.caseWork.getState(caseNumber, sueActor);
    expect(state).toMatchObject({ ownerUserId: ginaId, queueId: goldQueue, status: 'active' });
    expect(replyText(await gina.say('my cases'))).toContain(caseNumber);
    // Twice is refused, and only supervisors assign or yank.
    expect(replyText(await sue.say(`assign ${caseNumber} to gina`))).toContain(`${caseNumber} isn't ready for that: the case is already assigned to that person`);
    expect(replyText(await sue.say(`assign ${caseNumber} to nobody-here`))).toBe('I don\'t know an agent "nobody-here".');
    expect(replyText(await gina.say(`assign ${caseNumber} to sam`))).toContain('Only supervisors and administrators can assign cases.');
    expect(replyText(await gina.say(`yank ${caseNumber}`))).toContain('Only supervisors and administrators can yank cases.');
    expect((await services.caseWork.getState(caseNumber, sueActor)).ownerUserId).toBe(ginaId);

    replies = await sue.say(`yank ${caseNumber}`);
    // A yank returns the case to its queue with no owner.
    expect(replyText(replies)).toContain(`${caseNumber} is back in its queue; nobody works it now.`);
    state = await services.caseWork.getState(caseNumber, sueActor);
    expect(state).toMatchObject({ ownerUserId: null, queueId: goldQueue, status: 'active' });
    expect(replyText(await sue.say(`yank ${caseNumber}`))).toContain(`${caseNumber} isn't ready for that: nobody works the case`);
    expect(replyText(await gina.say('my cases'))).not.toContain(caseNumber);
  });

  it('lets an agent hold, resume, dispatch and transfer a case, confirming each and refusing what the case does not allow', async () => {
    const gina = await chat('gina-work', { signedInAs: 'gina' });
    const sam = await chat('sam-work', { signedInAs: 'sam' });
    const sueActor = await actorOf('sue');
    const ginaId = await userIdOf('gina');
    const goldQueue = await queueIdOf(DEMO.goldQueueName);
    const standardQueue = await queueIdOf(DEMO.standardQueueName);
    const caseNumber = await openGoldCase('Desktop client crashes on start');
    const stateOf = () => services.caseWork.getState(caseNumber, sueActor);

    // Not hers yet: holding is for the owner.
    expect(replyText(await gina.say(`hold ${caseNumber} waiting for parts`))).toContain(`You can't do that on ${caseNumber}`);
    expect((await stateOf()).status).toBe('active');

    expect(replyText(await gina.say(`accept ${caseNumber}`))).toContain(`You accepted ${caseNumber}. It is active`);
    expect(await stateOf()).toMatchObject({ ownerUserId: ginaId, queueId: goldQueue });

    // The case the conversation is about stands in for a missing case number from here on.
    let replies = await gina.say('hold waiting for parts');
    expect(replyText(replies)).toBe(`${caseNumber} is on hold. Type "resume" to continue.`);
    expect(await stateOf()).toMatchObject({ status: 'on_hold', statusReason: 'waiting for parts' });
    expect(replyText(await gina.say('hold again'))).toContain(`${caseNumber} isn't ready for that: the case is already on hold`);

    replies = await gina.say('resume');
    expect(replyText(replies)).toBe(`${caseNumber} is active again.`);
    expect((await stateOf()).status).toBe('active');
    expect(replyText(await gina.say(`resume ${caseNumber}`))).toContain(`${caseNumber} isn't ready for that: only a case on hold or waiting for the customer can resume`);

    replies = await gina.say(`waiting for the customer ${caseNumber} asked for the error log`);
    expect(replyText(replies)).toBe(`${caseNumber} is waiting for the customer. Type "resume" to continue.`);
    expect((await stateOf()).status).toBe('waiting_for_customer');
    expect(replyText(await gina.say('continue'))).toBe(`${caseNumber} is active again.`);
    expect((await stateOf()).status).toBe('active');

    // Dispatch: from her work in progress back to a queue.
    expect(replyText(await gina.say('dispatch to the Narnia queue'))).toBe(`I don't know the queue "Narnia". Queues: ${DEMO.goldQueueName}, ${DEMO.standardQueueName}.`);
    replies = await gina.say(`dispatch ${caseNumber} to Gold support`);
    expect(replyText(replies)).toBe(`${caseNumber} is now in Gold support.`);
    expect(await stateOf()).toMatchObject({ ownerUserId: null, queueId: goldQueue, status: 'active' });
    expect(replyText(await gina.say(`dispatch ${caseNumber} to Standard support`))).toContain(`You can't do that on ${caseNumber}`);
    expect((await stateOf()).queueId).toBe(goldQueue);

    // Transfer: from queue to queue, as a member of the case's queue.
    expect(replyText(await gina.say(`transfer ${caseNumber} to Gold support`))).toContain(`${caseNumber} isn't ready for that: the case is already in that queue`);
    replies = await gina.say(`transfer ${caseNumber} to standard`);
    expect(replyText(replies)).toBe(`${caseNumber} is now in Standard support.`);
    expect(await stateOf()).toMatchObject({ ownerUserId: null, queueId: standardQueue, status: 'active' });
    await eventually(() => services.caseRecords.findByCaseNumber(caseNumber), (record) => record?.queueId === standardQueue);

    // Now it is the standard queue's: sam, a standard agent, accepts it.
    expect(replyText(await sam.say(`accept ${caseNumber}`))).toContain(`You accepted ${caseNumber}. It is active`);
    expect((await stateOf()).ownerUserId).toBe(await userIdOf('sam'));
  });
});

describe('the caseflow bot and a disabled account', () => {
  /** A user of its own, so disabling it touches no other test: a customer of alice's account. */
  async function newCustomer(name: string): Promise<string> {
    const userId = await services.users.createContactUser({ firstName: name, lastName: 'Test', email: `${name}-${Date.now()}@example.com`, displayName: `${name} Test` });
    return (await harness.database.db('users').where({ id: userId }).first<{ username: string }>('username')).username;
  }
  const setDisabled = (username: string, disabled: boolean) => harness.database.db('users').where({ username }).update({ disabled });

  it('answers every message of a signed-in user whose account was disabled with the reason, and runs nothing', async () => {
    const username = await newCustomer('dora');
    const dora = await chat('dora', { signedInAs: username });
    expect(replyText(await dora.say('my cases'))).toMatch(/^You have no cases\.|^Your cases/);
    await setDisabled(username, true);
    for (const text of ['my cases', 'new case my laptop is broken', 'link code', 'help']) {
      const replies = await dora.say(text);
      expect(replies.map((r) => r.text)).toEqual(['Sorry, your caseflow account is disabled, so I can\'t do anything for you in this chat. Please contact your caseflow administrator.']);
    }
    // Not even a welcome, and no dialog was started meanwhile: enabled again, the chat is as it was.
    expect(await dora.say({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'someone', name: 'Dora' }] })).toEqual([]);
    await setDisabled(username, false);
    expect(replyText(await dora.say('my cases'))).toMatch(/^You have no cases\.|^Your cases/);
  });

  it('refuses a chat linked to an account that is disabled later, and a new link to it', async () => {
    const username = await newCustomer('eddie');
    const eddie = await chat('eddie');
    expect(replyText(await eddie.say(`link ${username}`))).toMatch(/^Linked: you are eddie Test/);
    await setDisabled(username, true);
    expect(replyText(await eddie.say('my cases'))).toMatch(/your caseflow account is disabled/);
    const other = await chat('eddie-elsewhere');
    expect(replyText(await other.say(`link ${username}`))).toBe('That account is disabled, so this chat cannot be linked to it. Please contact your caseflow administrator.');
    expect(replyText(await other.say('who am i'))).toMatch(/^I don't know you yet/);
  });
});
