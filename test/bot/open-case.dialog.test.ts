import { MemoryStorage, ConversationState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../app/wiring/services.wiring';
import { createBotServices } from '../../app/wiring/bot.wiring';
import { loadConfig } from '../../app/process/config';
import { OpenCaseDialog } from '../../bot/dialogs/open-case.dialog';
import { createIdentity } from '../../bot/identity';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { startTimeSkippingTemporal } from '../support/temporal';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

// The self-service part of the open-case dialog, turn by turn with botbuilder-testing's
// DialogTestClient, against the real services (case service, Temporal on the time-skipping server,
// a worker with the real activities, PGlite): the bot offers the articles agents would find, and a
// customer whose problem they solve opens no case, which the records would show if it did.
let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stopWorker: () => Promise<void>;
let services: AppServices;
let aliceId: string;

beforeAll(async () => {
  const [started, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  env = started;
  harness = await createCaseHarness(env, bundle, 'pglite');
  const worker = await harness.startWorker();
  stopWorker = () => worker.stop();
  const config = loadConfig({ NODE_ENV: 'test', TEMPORAL_TASK_QUEUE: harness.taskQueue, TEMPORAL_NAMESPACE: env.namespace ?? 'default', LOG_LEVEL: 'silent', SMTP_LISTEN_PORT: '0' });
  services = createAppServices(config, harness.database.db, env.client);
  aliceId = (await harness.database.db('users').where({ username: 'alice' }).first<{ id: string }>('id')).id;
});

afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
  await env?.teardown();
});

/** The dialog for a signed-in customer (alice), as the bot starts it from our Web Chat page. */
function client() {
  // The dialog's own state in memory is fine here: this tests the turns, not the storage (see the bot state storage tests).
  const storage = new MemoryStorage();
  const botServices = createBotServices(harness.database.db, services);
  const identity = createIdentity({ users: services.users, accounts: botServices.accounts, storage, mode: 'test' });
  const dialog = new OpenCaseDialog({ services: botServices, identity, identityState: () => Promise.resolve({}) });
  return new DialogTestClient('test', dialog, { channel: 'web', userId: aliceId }, [], new ConversationState(storage));
}

const nextReply = (test: DialogTestClient): Partial<Activity> => {
  const reply: Partial<Activity> = test.getNextReply();
  return reply;
};
const textOf = (activity: Partial<Activity> | undefined): string => activity?.text ?? '';
/** DialogTestClient.sendActivity is typed `any`: read the reply as the activity it is. */
const say = async (test: DialogTestClient, text: string): Promise<Partial<Activity>> => {
  return (await test.sendActivity(text)) as Partial<Activity>;
};

/** What opening a case leaves in the records: the reserved number (case_requests) and the read-model row (cases). */
async function caseRecords(): Promise<{ requests: number; cases: number }> {
  const db = harness.database.db;
  const count = async (table: string): Promise<number> => Number((await db(table).count<{ n: string | number }[]>({ n: '*' }))[0]?.n);
  return { requests: await count('case_requests'), cases: await count('cases') };
}

/** "new case", the problem, the articles: the dialog waits for "Did this solve it?". */
async function describePrinterProblem(test: DialogTestClient): Promise<void> {
  const first = await say(test, 'new case');
  expect(textOf(first)).toBe('Let\'s open a case. Please describe the problem in a sentence or two.');
  const suggestions = await say(test, 'my printer shows offline and will not print');
  expect(JSON.stringify(suggestions.attachments)).toContain('KA-01002');
  expect(textOf(nextReply(test))).toContain('Did this solve it?');
}

describe('the open-case dialog (DialogTestClient)', () => {
  it('asks for the problem, suggests the articles agents would find, and opens nothing when they solve it', async () => {
    const before = await caseRecords();
    const test = client();
    await describePrinterProblem(test);

    const done = await say(test, 'Yes');
    expect(textOf(done)).toBe('Glad that helped! No case was opened. Type "new case" if you need us after all.');
    expect(test.dialogTurnResult.status).toBe('complete');
    expect(test.dialogTurnResult.result).toEqual({ created: false });
    // No case number reserved, no case recorded (the next test shows these counts do move when one is opened).
    expect(await caseRecords()).toEqual(before);
  });

  it('opens the case when the articles did not solve it: the same records show it', async () => {
    const before = await caseRecords();
    const test = client();
    await describePrinterProblem(test);
    expect(textOf(await say(test, 'No'))).toContain('Which product is it about?');
    expect(textOf(await say(test, 'Skip'))).toBe('How urgent is it?');
    expect(textOf(await say(test, 'normal'))).toContain('Shall I open the case?');
    const opened = await say(test, 'Yes');
    expect(textOf(opened)).toMatch(/^Your case \*\*CAS-\d{5}\*\* is open\./);
    expect(test.dialogTurnResult.result).toMatchObject({ created: true, caseNumber: expect.stringMatching(/^CAS-\d{5}$/) as unknown });
    expect(await caseRecords()).toEqual({ requests: before.requests + 1, cases: before.cases + 1 });
  });

  it('asks again, politely, for a description that is too short, then goes on', async () => {
    const before = await caseRecords();
    const test = client();
    await say(test, 'new case');
    const reply = await say(test, 'x');
    expect(textOf(reply)).toBe('Please describe the problem in a few words (for example "the printer shows offline"), or type "cancel".');
    expect(test.dialogTurnResult.status).toBe('waiting');
    const suggestions = await say(test, 'my printer shows offline and will not print');
    expect(JSON.stringify(suggestions.attachments)).toContain('KA-01002');
    expect(await caseRecords()).toEqual(before);
  });
});
