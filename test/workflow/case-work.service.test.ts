import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { createQueueRepository } from '../../db/repositories/queue.repository';
import { createUserRepository } from '../../db/repositories/user.repository';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import { createCaseWorkService, type CaseWorkService } from '../../services/case-work.service';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../services/errors';
import { actorFor } from '../support/actors';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;
let service: CaseWorkService;
let gina: Actor;
let sam: Actor;
let sue: Actor;
let alice: Actor;
let bob: Actor;

beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
  const db = harness.database.db;
  service = createCaseWorkService({
    temporal: env.client,
    cases: createCaseRepository(db),
    queues: createQueueRepository(db),
    users: createUserRepository(db),
    knowledge: createKnowledgeRepository(db),
    products: createDirectoryRepository(db),
  });
  [gina, sam, sue, alice, bob] = await Promise.all([actorFor(db, 'gina'), actorFor(db, 'sam'), actorFor(db, 'sue'), actorFor(db, 'alice'), actorFor(db, 'bob')]);
});

afterAll(async () => {
  await stop?.();
});

/** A gold case whose read-model row exists (the service finds cases through it). */
async function goldCase(): Promise<string> {
  const handle = await harness.openCase();
  const state = await harness.waitForState(handle, (s) => s.version >= 1);
  await eventually(() => createCaseRepository(harness.database.db).findByCaseNumber(state.caseNumber), (r) => r !== undefined);
  return state.caseNumber;
}

describe('acting on a case through the service', () => {
  it('answers not found for an unknown case and for another customer\'s case, without telling them apart', async () => {
    const caseNumber = await goldCase();
    await expect(service.act('CAS-99999', gina, 'accept', {})).rejects.toThrow(NotFoundError);
    const error = await service.getState(caseNumber, bob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`case ${caseNumber} not found`);
    await expect(service.act(caseNumber, sam, 'accept', {})).rejects.toThrow(NotFoundError); // not in the gold queue: cannot see it
    expect((await service.getState(caseNumber, alice)).caseNumber).toBe(caseNumber);
  });

  it('maps refusals to typed errors naming the reason, and leaves the case unchanged', async () => {
    const caseNumber = await goldCase();
    const before = await service.getState(caseNumber, sue);
    await expect(service.act(caseNumber, alice, 'accept', {})).rejects.toThrow(ForbiddenError);
    await expect(service.act(caseNumber, gina, 'resolve', { resolutionText: 'done', resolutionType: 'problem_solved' })).rejects.toThrow(ForbiddenError);
    await service.act(caseNumber, gina, 'accept', {});
    const conflict = await service.act(caseNumber, gina, 'resolve', { resolutionText: 'done', resolutionType: 'problem_solved' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as Error).message).toContain('advance it to Resolve');
    const invalid = await service.act(caseNumber, gina, 'changePriority', { priority: 'whenever' as never }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).field).toBe('priority');
    const after = await service.getState(caseNumber, sue);
    expect(after.version).toBe(before.version + 1); // only the accept
  });

  it('checks queues, assignees and articles against the records', async () => {
    const caseNumber = await goldCase();
    const unknownQueue = await service.act(caseNumber, sue, 'transfer', { queueId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(unknownQueue).toBeInstanceOf(ValidationError);
    expect((unknownQueue as ValidationError).field).toBe('queueId');
    await expect(service.act(caseNumber, sue, 'assign', { userId: alice.userId })).rejects.toThrow(ValidationError);
    const assigned = await service.act(caseNumber, sue, 'assign', { userId: gina.userId });
    expect(assigned.ownerUserId).toBe(gina.userId);
    await expect(service.act(caseNumber, gina, 'linkArticle', { articleId: 'KA-01002', sendToCustomer: false })).rejects.toThrow(ValidationError);
    const article = await harness.database.db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string }>('id');
    const linked = await service.act(caseNumber, gina, 'linkArticle', { articleId: article.id, sendToCustomer: true });
    expect(linked.linkedArticles).toEqual([{ articleId: article.id, articleNumber: 'KA-01002', title: expect.stringContaining('Printer') as string, sentToCustomer: true }]);
    const standardQueue = await harness.database.db('queues').where({ name: DEMO.standardQueueName }).first<{ id: string }>('id');
    const moved = await service.act(caseNumber, gina, 'transfer', { queueId: standardQueue.id });
    expect(moved).toMatchObject({ queueId: standardQueue.id, ownerUserId: null });
  });
});
