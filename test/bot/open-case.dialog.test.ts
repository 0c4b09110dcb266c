import { MemoryStorage, ConversationState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../app/app-services';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { migrateToLatest } from '../../db/migrate';
import { seedDemoData } from '../../db/seeds/demo';
import { createKnowledgeService } from '../../services/knowledge.service';
import { OpenCaseDialog } from '../../bot/dialogs/open-case.dialog';
import { createIdentity } from '../../bot/identity';
import { createUserRepository } from '../../db/repositories/user.repository';
import { openTestDatabase, type TestDatabase } from '../support/databases';

// The self-service part of the open-case dialog, turn by turn with botbuilder-testing's
// DialogTestClient: the bot offers the articles agents would find, and a customer whose problem
// they solve opens no case. (Opening itself is covered end to end in caseflow-bot.test.ts.)
let database: TestDatabase;
let services: AppServices;

beforeAll(async () => {
  database = await openTestDatabase('pglite');
  await migrateToLatest(database.db);
  await seedDemoData(database.db);
  // Only what these turns use; anything else would fail loudly.
  services = { db: database.db, knowledge: createKnowledgeService({ knowledge: createKnowledgeRepository(database.db) }), users: createUserRepository(database.db) } as unknown as AppServices;
});

afterAll(async () => {
  await database?.close();
});

function client() {
  // The dialog's own state in memory is fine here: this tests the turns, not the storage (see knex-storage tests).
  const storage = new MemoryStorage();
  const identity = createIdentity({ db: database.db, users: services.users, storage, mode: 'test' });
  const dialog = new OpenCaseDialog({ services, identity, identityState: () => Promise.resolve({}) });
  return new DialogTestClient('test', dialog, { channel: 'web', userId: undefined }, [], new ConversationState(storage));
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

describe('the open-case dialog (DialogTestClient)', () => {
  it('asks for the problem, suggests the articles agents would find, and opens nothing when they solve it', async () => {
    const test = client();
    const first = await say(test, 'new case');
    expect(textOf(first)).toContain('describe the problem');

    const suggestions = await say(test, 'my printer shows offline and will not print');
    expect(JSON.stringify(suggestions.attachments)).toContain('KA-01002');
    expect(textOf(nextReply(test))).toContain('Did this solve it?');

    const done = await say(test, 'Yes');
    expect(textOf(done)).toContain('No case was opened');
    expect(test.dialogTurnResult.status).toBe('complete');
    expect(Number((await database.db('case_requests').count<{ count: string }[]>('* as count'))[0]?.count)).toBe(0);
  });

  it('asks again, politely, for a description that is too short', async () => {
    const test = client();
    await say(test, 'new case');
    const reply = await say(test, 'x');
    expect(textOf(reply).length).toBeGreaterThan(10);
    expect(test.dialogTurnResult.status).toBe('waiting');
  });
});
