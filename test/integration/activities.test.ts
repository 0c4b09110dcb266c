import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyToken } from '../../activities/survey.activities';
import { createActivities, type CaseActivities } from '../../activities';
import type { Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import type { Channel, CustomerRef } from '../../domain/case';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';

const SURVEY_SECRET = 'test-survey-secret';

type ActivityName = keyof CaseActivities;
type Input<K extends ActivityName> = Parameters<CaseActivities[K]>[0];
type Output<K extends ActivityName> = Awaited<ReturnType<CaseActivities[K]>>;

/** The failure an activity threw, for assertions on its type and retryability. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

const WORKFLOW_TIME = '2027-02-01T10:00:00.000Z';
type Row = Record<string, unknown>;
const iso = (value: unknown): string | null => (value === null ? null : new Date(value as string).toISOString());

describe.each(databaseKinds)('case activities on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let activities: CaseActivities;
  const ids = { goldContact: '', silverContact: '', goldQueue: '', standardQueue: '', alice: '', gina: '', sue: '', sam: '' };
  let caseSequence = 0;

  /** Runs an activity as the worker would: inside an activity context (its logger, its info). */
  function run<K extends ActivityName>(name: K, input: Input<K>): Promise<Output<K>> {
    const activity = (value: Input<K>) => (activities[name] as (value: Input<K>) => Promise<Output<K>>)(value);
    return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(activity, input);
  }

  async function userId(username: string): Promise<string> {
    return (await db('users').where({ username }).first<{ id: string }>('id')).id;
  }

  /** A case row, as the workflow's recordCase would have written it before any other activity runs. */
  async function openCase(customer: CustomerRef, channel: Channel = 'email'): Promise<string> {
    const caseNumber = `CAS-${90000 + ++caseSequence}`;
    await createCaseRepository(db).upsertSnapshot({
      caseNumber,
      workflowId: `case-${caseNumber}`,
      requestId: `request-${caseNumber}`,
      title: `Printer offline (${caseNumber})`,
      description: 'The office printer shows offline.',
      customer,
      channel,
      priority: 'normal',
      productId: null,
      subject: null,
      status: 'active',
      statusReason: null,
      stage: 'identify',
      queueId: null,
      ownerUserId: null,
      createdByUserId: null,
      entitlementId: null,
      isEntitled: false,
      slaPolicyId: null,
      routingRuleId: null,
      slaState: null,
      firstResponseBy: null,
      resolveBy: null,
      firstRespondedAt: null,
      resolvedAt: null,
      openedAt: WORKFLOW_TIME,
      version: 1,
    });
    return caseNumber;
  }

  async function caseId(caseNumber: string): Promise<string> {
    return (await db('cases').where({ case_number: caseNumber }).first<{ id: string }>('id')).id;
  }

  async function remaining(entitlementId: string): Promise<number> {
    const row = await db('entitlements').where({ id: entitlementId }).first<{ remaining_terms: string }>('remaining_terms');
    return Number(row.remaining_terms);
  }

  async function count(table: string, where: Record<string, unknown>): Promise<number> {
    const row = (await db(table).where(where).count<{ n: string | number }[]>({ n: '*' }))[0];
    return Number(row?.n);
  }

  const resolution = (caseNumber: string, episode: number, charge: { entitlementId: string; channel: Channel; terms: number } | null) => ({
    caseNumber,
    episode,
    resolutionActivityId: randomUUID(),
    resolutionText: 'Restarted the print spooler; the printer is back online.',
    resolutionType: 'problem_solved',
    totalMinutesSpent: 25,
    resolvedAt: WORKFLOW_TIME,
    resolvedByUserId: ids.gina,
    charge,
  });

  beforeAll(async () => {
    testDb = await openTestDatabase(kind);
    db = testDb.db;
    await migrateToLatest(db);
    await seedDemoData(db);
    ids.goldContact = (await db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id')).id;
    ids.silverContact = (await db('contacts').where({ email: DEMO.silverContactEmail }).first<{ id: string }>('id')).id;
    ids.goldQueue = (await db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id')).id;
    ids.standardQueue = (await db('queues').where({ name: DEMO.standardQueueName }).first<{ id: string }>('id')).id;
    ids.alice = await userId(DEMO.usernames.goldCustomer);
    ids.gina = await userId(DEMO.usernames.goldAgent);
    ids.sue = await userId(DEMO.usernames.supervisor);
    ids.sam = await userId(DEMO.usernames.standardAgent);
    activities = createActivities({ db, surveySecret: SURVEY_SECRET, publicBaseUrl: 'https://support.example/' });
  });

  afterAll(async () => {
    await testDb.close();
  });

  describe('loadCaseContext', () => {
    it('gives the gold contact its tier, the 15-case entitlement, the rules in order and the SLA policies', async () => {
      const context = await run('loadCaseContext', { customer: { type: 'contact', id: ids.goldContact }, today: '2027-02-01' });
      expect(context.today).toBe('2027-02-01');
      expect(context.customer).toEqual({
        contactId: ids.goldContact,
        accountId: DEMO.goldAccountId,
        displayName: 'Alice Gold',
        email: DEMO.goldContactEmail,
        tier: 'gold',
      });

      expect(context.entitlements.map((e) => e.id)).toEqual([DEMO.goldEntitlementId]);
      const [gold] = context.entitlements;
      expect(gold).toMatchObject({ name: DEMO.goldEntitlementName, allocationType: 'cases', remainingTerms: 15, status: 'active', isDefault: true });
      expect(gold?.channels).toEqual([
        { channel: 'email', remainingTerms: null },
        { channel: 'phone', remainingTerms: null },
        { channel: 'web', remainingTerms: null },
      ]);
      // Dates as the database's calendar dates, whatever the process's time zone.
      const period = await db('entitlements')
        .where({ id: DEMO.goldEntitlementId })
        .first<{ s: string; e: string }>(db.raw(`to_char(start_date, 'YYYY-MM-DD') as s`), db.raw(`to_char(end_date, 'YYYY-MM-DD') as e`));
      expect(gold?.startDate).toBe(period.s);
      expect(gold?.endDate).toBe(period.e);
      expect(gold?.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      expect(context.routingRules.map((r) => [r.position, r.queueId, r.conditions])).toEqual([
        [10, ids.goldQueue, { customerTier: ['gold'] }],
        [1000, ids.standardQueue, {}],
      ]);
      expect(context.defaultQueueId).toBe(ids.standardQueue);

      const policies = new Map(context.slaPolicies.map((p) => [p.name, p]));
      expect([...policies.keys()].sort()).toEqual(Object.values(DEMO.slaPolicyNames).sort());
      const goldPolicy = policies.get(DEMO.slaPolicyNames.gold);
      expect(goldPolicy?.id).toBe(gold?.slaPolicyId);
      expect(goldPolicy?.calendar).toBeNull();
      expect(goldPolicy?.pauseOn).toEqual(['waiting_for_customer']);
      expect(goldPolicy?.kpis).toEqual([
        { kpi: 'first_response', priority: null, customerTier: null, warnAfterMinutes: 10, failAfterMinutes: 15 },
        { kpi: 'resolve', priority: null, customerTier: null, warnAfterMinutes: 360, failAfterMinutes: 480 },
      ]);
      const standard = policies.get(DEMO.slaPolicyNames.standard);
      expect(standard?.calendar?.timeZone).toBe('Europe/London');
      expect(standard?.calendar?.weeklyHours.mon).toEqual([['09:00', '18:00']]);
      expect(standard?.calendar?.weeklyHours.sat).toBeUndefined();
      expect(standard?.calendar?.holidays).toContain('2026-12-25');
      expect(policies.get(DEMO.slaPolicyNames.noContract)?.appliesWhenNoEntitlement).toBe(true);
    });

    it("gives an account its own name, email, tier and minutes entitlement", async () => {
      const context = await run('loadCaseContext', { customer: { type: 'account', id: DEMO.silverAccountId }, today: '2027-02-01' });
      expect(context.customer).toEqual({
        contactId: null,
        accountId: DEMO.silverAccountId,
        displayName: DEMO.silverAccountName,
        email: 'admin@northwind.example',
        tier: 'silver',
      });
      expect(context.entitlements.map((e) => [e.id, e.allocationType, e.remainingTerms])).toEqual([[DEMO.silverEntitlementId, 'minutes', 600]]);
    });

    it("adds a contact's own entitlement to its account's, and treats a contact without an account as standard", async () => {
      const [loner] = await db('contacts')
        .insert({ first_name: 'Lone', last_name: 'Contact', email: `lone-${kind}@example.com` })
        .returning<{ id: string }[]>('id');
      const own = '6a0c1d2e-0002-4000-8000-0000000ee001';
      await db('entitlements').insert({
        id: own,
        name: 'Alice personal',
        customer_contact_id: ids.goldContact,
        allocation_type: 'cases',
        total_terms: 2,
        remaining_terms: 2,
        start_date: '2027-01-01',
        end_date: '2027-12-31',
        status: 'active',
      });
      try {
        const alice = await run('loadCaseContext', { customer: { type: 'contact', id: ids.goldContact }, today: '2027-02-01' });
        // The contact's own first.
        expect(alice.entitlements.map((e) => e.id)).toEqual([own, DEMO.goldEntitlementId]);
        expect(alice.entitlements[0]).toMatchObject({ startDate: '2027-01-01', endDate: '2027-12-31', channels: [] });
        const lone = await run('loadCaseContext', { customer: { type: 'contact', id: loner!.id }, today: '2027-02-01' });
        expect(lone.customer).toMatchObject({ accountId: null, tier: 'standard', displayName: 'Lone Contact' });
        expect(lone.entitlements).toEqual([]);
      } finally {
        await db('entitlements').where({ id: own }).delete();
      }
    });

    it('fails for good, as CustomerNotFound, on an unknown customer', async () => {
      for (const customer of [
        { type: 'contact', id: randomUUID() },
        { type: 'account', id: randomUUID() },
        { type: 'account', id: 'not-a-uuid' },
      ] as const) {
        const failure = await failureOf(run('loadCaseContext', { customer, today: '2027-02-01' }));
        expect(failure).toMatchObject({ type: 'CustomerNotFound', nonRetryable: true });
      }
    });
  });

  describe('applyResolution', () => {
    let firstCase: string;

    it('decrements the gold entitlement 15 → 14 once, however often it is called', async () => {
      firstCase = await openCase({ type: 'contact', id: ids.goldContact });
      const article = await db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string; resolution_uses: number }>('id', 'resolution_uses');
      await run('linkArticle', { caseNumber: firstCase, articleId: article.id, linkedByUserId: ids.gina, linkedAt: WORKFLOW_TIME, sendToCustomer: false });

      const input = resolution(firstCase, 1, { entitlementId: DEMO.goldEntitlementId, channel: 'email', terms: 1 });
      expect(await run('applyResolution', input)).toEqual({ charged: true, remainingTerms: 14 });
      // A retry (the worker died before reporting) and a repeat with a new activity id both find it done.
      expect(await run('applyResolution', input)).toEqual({ charged: false, remainingTerms: 14 });
      expect(await run('applyResolution', { ...input, resolutionActivityId: randomUUID() })).toEqual({ charged: false, remainingTerms: 14 });
      expect(await remaining(DEMO.goldEntitlementId)).toBe(14);

      const id = await caseId(firstCase);
      expect(await count('entitlement_usages', { case_id: id })).toBe(1);
      const activity = await db('activities').where({ case_id: id, type: 'resolution' }).select<Row[]>('*');
      expect(activity).toHaveLength(1);
      expect(activity[0]).toMatchObject({
        id: input.resolutionActivityId,
        state: 'closed',
        subject: 'problem_solved',
        body: input.resolutionText,
        minutes_spent: 25,
        created_by_user_id: ids.gina,
      });
      expect(iso(activity[0]?.closed_at)).toBe(WORKFLOW_TIME);
      const credited = await db('knowledge_articles').where({ id: article.id }).first<{ resolution_uses: number }>('resolution_uses');
      expect(credited.resolution_uses).toBe(article.resolution_uses + 1);
    });

    it('charges once when two attempts run at the same time', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const input = resolution(caseNumber, 1, { entitlementId: DEMO.goldEntitlementId, channel: 'email', terms: 1 });
      const results = await Promise.all([run('applyResolution', input), run('applyResolution', input)]);
      expect(results.map((r) => r.charged).sort()).toEqual([false, true]);
      expect(results.map((r) => r.remainingTerms)).toEqual([13, 13]);
      expect(await remaining(DEMO.goldEntitlementId)).toBe(13);
      expect(await count('entitlement_usages', { case_id: await caseId(caseNumber) })).toBe(1);
    });

    it('records a reopened case’s second resolution with 0 terms without decrementing', async () => {
      const input = resolution(firstCase, 2, { entitlementId: DEMO.goldEntitlementId, channel: 'email', terms: 0 });
      expect(await run('applyResolution', input)).toEqual({ charged: true, remainingTerms: 13 });
      expect(await run('applyResolution', input)).toEqual({ charged: false, remainingTerms: 13 });
      const usage = await db('entitlement_usages').where({ case_id: await caseId(firstCase), resolution_episode: 2 }).first<{ terms_used: string }>('terms_used');
      expect(Number(usage.terms_used)).toBe(0);
      expect(await count('activities', { case_id: await caseId(firstCase), type: 'resolution' })).toBe(2);
    });

    it('draws minutes from a minutes entitlement, into overage if the work took longer', async () => {
      const first = await openCase({ type: 'account', id: DEMO.silverAccountId }, 'phone');
      expect(await run('applyResolution', resolution(first, 1, { entitlementId: DEMO.silverEntitlementId, channel: 'phone', terms: 95 }))).toEqual({
        charged: true,
        remainingTerms: 505,
      });
      const second = await openCase({ type: 'account', id: DEMO.silverAccountId }, 'phone');
      expect(await run('applyResolution', resolution(second, 1, { entitlementId: DEMO.silverEntitlementId, channel: 'phone', terms: 600 }))).toEqual({
        charged: true,
        remainingTerms: -95,
      });
    });

    it('never takes a cases entitlement or its channel allowance below zero, but records the full usage', async () => {
      const entitlementId = randomUUID();
      await db('entitlements').insert({
        id: entitlementId,
        name: 'Fabrikam: one case',
        customer_account_id: DEMO.standardAccountId,
        allocation_type: 'cases',
        total_terms: 1,
        remaining_terms: 1,
        start_date: '2027-01-01',
        end_date: '2027-12-31',
        status: 'active',
      });
      await db('entitlement_channels').insert([
        { entitlement_id: entitlementId, channel: 'email', total_terms: 1, remaining_terms: 1 },
        { entitlement_id: entitlementId, channel: 'phone', total_terms: null, remaining_terms: null },
      ]);
      const caseNumber = await openCase({ type: 'account', id: DEMO.standardAccountId });
      expect(await run('applyResolution', resolution(caseNumber, 1, { entitlementId, channel: 'email', terms: 2 }))).toEqual({
        charged: true,
        remainingTerms: 0,
      });
      const channels = await db('entitlement_channels').where({ entitlement_id: entitlementId }).orderBy('channel').select<{ remaining_terms: string | null }[]>('remaining_terms');
      expect(channels.map((c) => (c.remaining_terms === null ? null : Number(c.remaining_terms)))).toEqual([0, null]);
      const usage = await db('entitlement_usages').where({ entitlement_id: entitlementId }).first<{ terms_used: string }>('terms_used');
      expect(Number(usage.terms_used)).toBe(2);
    });

    it('without a charge, records the resolution and credits the articles once', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const article = await db('knowledge_articles').where({ article_number: 'KA-01003' }).first<{ id: string; resolution_uses: number }>('id', 'resolution_uses');
      await run('linkArticle', { caseNumber, articleId: article.id, linkedByUserId: null, linkedAt: WORKFLOW_TIME, sendToCustomer: false });
      const input = resolution(caseNumber, 1, null);
      expect(await run('applyResolution', input)).toEqual({ charged: false, remainingTerms: null });
      expect(await run('applyResolution', input)).toEqual({ charged: false, remainingTerms: null });
      const credited = await db('knowledge_articles').where({ id: article.id }).first<{ resolution_uses: number }>('resolution_uses');
      expect(credited.resolution_uses).toBe(article.resolution_uses + 1);
      expect(await count('entitlement_usages', { case_id: await caseId(caseNumber) })).toBe(0);
    });

    it('retries while the case row is missing, and fails for good on an unknown entitlement', async () => {
      const missing = await failureOf(run('applyResolution', resolution('CAS-99999', 1, null)));
      expect(missing).toMatchObject({ type: 'CaseNotRecorded', nonRetryable: false });
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const unknown = await failureOf(run('applyResolution', resolution(caseNumber, 1, { entitlementId: randomUUID(), channel: 'email', terms: 1 })));
      expect(unknown).toMatchObject({ type: 'EntitlementNotFound', nonRetryable: true });
      // The transaction rolled back: the resolution activity is not left behind.
      expect(await count('activities', { case_id: await caseId(caseNumber) })).toBe(0);
    });
  });

  describe('recordKpiInstance', () => {
    it('keeps the newest version and ignores an older one', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const base = {
        caseNumber,
        kpi: 'first_response' as const,
        warningAt: '2027-02-01T10:10:00.000Z',
        failureAt: '2027-02-01T10:15:00.000Z',
        succeededAt: null,
        pausedAt: null,
      };
      await run('recordKpiInstance', { ...base, status: 'nearing_noncompliance', elapsedBusinessMinutes: 10, version: 2 });
      await run('recordKpiInstance', { ...base, status: 'in_progress', elapsedBusinessMinutes: 0, version: 1 });
      const read = () => db('sla_kpi_instances').where({ case_id: db('cases').where({ case_number: caseNumber }).select('id') }).select<Row[]>('*');
      let rows = await read();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ kpi: 'first_response', status: 'nearing_noncompliance', elapsed_business_minutes: 10, version: 2 });
      expect(iso(rows[0]?.failure_at)).toBe(base.failureAt);

      await run('recordKpiInstance', { ...base, status: 'succeeded', succeededAt: '2027-02-01T10:12:00.000Z', elapsedBusinessMinutes: 12, version: 3 });
      await run('recordKpiInstance', { ...base, status: 'succeeded', succeededAt: '2027-02-01T10:12:00.000Z', elapsedBusinessMinutes: 12, version: 3 });
      rows = await read();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'succeeded', version: 3 });
      expect(iso(rows[0]?.succeeded_at)).toBe('2027-02-01T10:12:00.000Z');
    });

    it('asks for a retry while the case row is missing', async () => {
      const failure = await failureOf(
        run('recordKpiInstance', {
          caseNumber: 'CAS-99998',
          kpi: 'resolve',
          status: 'in_progress',
          warningAt: null,
          failureAt: null,
          succeededAt: null,
          pausedAt: null,
          elapsedBusinessMinutes: 0,
          version: 1,
        }),
      );
      expect(failure).toMatchObject({ type: 'CaseNotRecorded', nonRetryable: false });
    });
  });

  describe('recordCaseActivity', () => {
    it('logs an activity once, closes it on a re-send, and never reopens it', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const call = {
        caseNumber,
        activityId: randomUUID(),
        type: 'phone_call' as const,
        subject: 'Called Alice about the printer',
        body: 'Walked through the spooler restart.',
        direction: 'outbound' as const,
        state: 'open' as const,
        minutesSpent: 0,
        dueAt: '2027-02-01T12:00:00.000Z',
        closedAt: null,
        createdByUserId: ids.gina,
        createdAt: WORKFLOW_TIME,
      };
      await run('recordCaseActivity', call);
      await run('recordCaseActivity', call);
      const read = () => db('activities').where({ id: call.activityId }).select<Row[]>('*');
      let rows = await read();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ state: 'open', minutes_spent: 0, type: 'phone_call', direction: 'outbound' });
      expect(iso(rows[0]?.created_at)).toBe(WORKFLOW_TIME);

      const closed = { ...call, state: 'closed' as const, minutesSpent: 12, closedAt: '2027-02-01T10:30:00.000Z' };
      await run('recordCaseActivity', closed);
      await run('recordCaseActivity', closed);
      // A late retry of the first, open, write.
      await run('recordCaseActivity', call);
      rows = await read();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ state: 'closed', minutes_spent: 12 });
      expect(iso(rows[0]?.closed_at)).toBe(closed.closedAt);
    });
  });

  describe('failures no retry can fix', () => {
    it('turns data the database rejects (an unknown user) into a non-retryable failure', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const failure = await failureOf(
        run('recordCaseActivity', {
          caseNumber,
          activityId: randomUUID(),
          type: 'note',
          subject: 'Note',
          body: '',
          direction: null,
          state: 'closed',
          minutesSpent: 1,
          dueAt: null,
          closedAt: WORKFLOW_TIME,
          createdByUserId: randomUUID(),
          createdAt: WORKFLOW_TIME,
        }),
      );
      expect(failure).toMatchObject({ type: 'InvalidActivityInput', nonRetryable: true });
    });
  });

  describe('enqueueNotification', () => {
    it("reaches a queue's members once each, and a repeat inserts nothing", async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const input = {
        key: `sla-warning:${caseNumber}:first_response`,
        caseNumber,
        kind: 'sla_warning' as const,
        audience: { queueId: ids.goldQueue },
        channels: ['email', 'bot'] as ('email' | 'bot')[],
        payload: { caseNumber, kpi: 'first_response', failureAt: '2027-02-01T10:15:00.000Z' },
      };
      // Gold queue: Gina and Sue; each by email and by bot.
      expect(await run('enqueueNotification', input)).toBe(4);
      expect(await run('enqueueNotification', input)).toBe(0);
      const rows = await db('notifications').where({ case_id: await caseId(caseNumber) }).orderBy('idempotency_key').select<Row[]>('*');
      expect(rows).toHaveLength(4);
      expect(new Set(rows.map((r) => r.recipient_user_id))).toEqual(new Set([ids.gina, ids.sue]));
      expect(rows[0]).toMatchObject({ kind: 'sla_warning', payload: input.payload, delivered_at: null, attempts: 0 });
      expect(rows.map((r) => r.idempotency_key)).toContain(`${input.key}:bot:${ids.gina}`);
      const email = rows.find((r) => r.channel === 'email' && r.recipient_user_id === ids.sue);
      expect(email).toMatchObject({ recipient_email: 'sue@caseflow.example' });
    });

    it('counts a supervisor who is also a queue member once, and reaches the customer and its sign-in user', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const inserted = await run('enqueueNotification', {
        key: `flagged:${caseNumber}`,
        caseNumber,
        kind: 'case_flagged',
        audience: { queueId: ids.goldQueue, supervisors: true, userIds: [ids.sam], customer: true },
        channels: ['email'],
        payload: { caseNumber },
      });
      expect(inserted).toBe(4);
      const emails = (await db('notifications').where('idempotency_key', 'like', `flagged:${caseNumber}:%`).orderBy('recipient_email').pluck('recipient_email')) as string[];
      expect(emails).toEqual([DEMO.goldContactEmail, 'gina@caseflow.example', 'sam@caseflow.example', 'sue@caseflow.example']);
      const customerRow = await db('notifications').where({ recipient_email: DEMO.goldContactEmail }).andWhere('idempotency_key', 'like', `flagged:${caseNumber}:%`).first<{ recipient_user_id: string }>('recipient_user_id');
      expect(customerRow.recipient_user_id).toBe(ids.alice);
    });

    it("reaches an account case's customer by the account's email only (no user for the bot)", async () => {
      const caseNumber = await openCase({ type: 'account', id: DEMO.silverAccountId });
      const inserted = await run('enqueueNotification', {
        key: `status:${caseNumber}:2`,
        caseNumber,
        kind: 'status_change',
        audience: { customer: true },
        channels: ['email', 'bot'],
        payload: { caseNumber, status: 'on_hold' },
      });
      expect(inserted).toBe(1);
      const row = await db('notifications').where('idempotency_key', `status:${caseNumber}:2:email:admin@northwind.example`).first<{ recipient_user_id: string | null }>('recipient_user_id');
      expect(row.recipient_user_id).toBeNull();
    });
  });

  describe('surveys', () => {
    it('sends one survey per resolution, with the same token on a retry, and its link in the outbox (not in the result)', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact }, 'web');
      const input = { caseNumber, episode: 1, channel: 'web' as const, sentAt: WORKFLOW_TIME, expiresAt: '2027-02-15T10:00:00.000Z' };
      const first = await run('sendSurvey', input);
      const second = await run('sendSurvey', input);
      expect(second).toEqual(first);
      // The workflow learns the survey's id only: its history never holds the token.
      expect(Object.keys(first)).toEqual(['surveyId']);

      const id = await caseId(caseNumber);
      const surveys = await db('surveys').where({ case_id: id }).select<Row[]>('*');
      expect(surveys).toHaveLength(1);
      expect(surveys[0]).toMatchObject({ id: first.surveyId, resolution_episode: 1, channel: 'web', answered_at: null });
      const token = surveyToken(SURVEY_SECRET, caseNumber, 1);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(surveys[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(iso(surveys[0]?.sent_at)).toBe(WORKFLOW_TIME);

      // A web case: the customer gets the link by email and in the bot.
      const notes = await db('notifications').where({ case_id: id, kind: 'survey' }).orderBy('channel').select<Row[]>('*');
      expect(notes.map((n) => [n.channel, n.recipient_user_id])).toEqual([
        ['bot', ids.alice],
        ['email', ids.alice],
      ]);
      expect(notes[0]?.payload).toEqual({
        caseNumber,
        title: `Printer offline (${caseNumber})`,
        link: `https://support.example/surveys/${token}`,
        episode: 1,
      });

      // A second resolution gets its own survey and token.
      const again = await run('sendSurvey', { ...input, episode: 2 });
      expect(again.surveyId).not.toBe(first.surveyId);
      const secondLink = await db('notifications').where({ case_id: id, kind: 'survey', channel: 'email' }).whereRaw("payload->>'episode' = '2'").first<Row>('payload');
      expect(secondLink?.payload).toMatchObject({ link: `https://support.example/surveys/${surveyToken(SURVEY_SECRET, caseNumber, 2)}` });
      expect(surveyToken(SURVEY_SECRET, caseNumber, 2)).not.toBe(token);
    });

    it('sends the survey of an email case to the customer\'s chat too (a chat bound to their account gets the card)', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact }, 'email');
      await run('sendSurvey', { caseNumber, episode: 1, channel: 'email', sentAt: WORKFLOW_TIME, expiresAt: '2027-02-15T10:00:00.000Z' });
      expect((await db('notifications').where({ case_id: await caseId(caseNumber) }).pluck('channel')).sort()).toEqual(['bot', 'email']);
    });

    it('keeps the first answer and marks the survey answered', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const { surveyId } = await run('sendSurvey', { caseNumber, episode: 1, channel: 'email', sentAt: WORKFLOW_TIME, expiresAt: '2027-02-15T10:00:00.000Z' });
      await run('recordSurveyResponse', { caseNumber, episode: 1, rating: 5, comment: 'Quick and kind.', answeredAt: '2027-02-02T09:00:00.000Z' });
      await run('recordSurveyResponse', { caseNumber, episode: 1, rating: 1, comment: 'Second try.', answeredAt: '2027-02-03T09:00:00.000Z' });
      const responses = await db('survey_responses').where({ survey_id: surveyId }).select('rating', 'comment');
      expect(responses).toEqual([{ rating: 5, comment: 'Quick and kind.' }]);
      const survey = await db('surveys').where({ id: surveyId }).first<{ answered_at: unknown }>('answered_at');
      expect(iso(survey.answered_at)).toBe('2027-02-02T09:00:00.000Z');

      const noSurvey = await failureOf(run('recordSurveyResponse', { caseNumber, episode: 7, rating: 4, comment: '', answeredAt: WORKFLOW_TIME }));
      expect(noSurvey).toMatchObject({ type: 'SurveyNotFound', nonRetryable: true });
      const badRating = await failureOf(run('recordSurveyResponse', { caseNumber, episode: 1, rating: 9, comment: '', answeredAt: WORKFLOW_TIME }));
      expect(badRating).toMatchObject({ nonRetryable: true });
    });
  });

  describe('linkArticle', () => {
    it('links an article and sends it to the customer once, by email and in chat', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const article = await db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string; title: string; content: string }>('id', 'title', 'content');
      const input = { caseNumber, articleId: article.id, linkedByUserId: ids.gina, linkedAt: WORKFLOW_TIME, sendToCustomer: true };
      await run('linkArticle', input);
      await run('linkArticle', { ...input, linkedAt: '2027-02-01T11:00:00.000Z' });

      const id = await caseId(caseNumber);
      const links = await db('case_articles').where({ case_id: id }).select<Row[]>('*');
      expect(links).toHaveLength(1);
      expect(iso(links[0]?.linked_at)).toBe(WORKFLOW_TIME);
      expect(iso(links[0]?.sent_at)).toBe(WORKFLOW_TIME);
      const notes = await db('notifications').where({ case_id: id }).orderBy('channel').select<Row[]>('*');
      expect(notes.map((n) => n.channel)).toEqual(['bot', 'email']);
      expect(notes[1]).toMatchObject({
        idempotency_key: `article:${caseNumber}:${article.id}:email:${ids.alice}`,
        kind: 'article_sent',
        channel: 'email',
        recipient_email: DEMO.goldContactEmail,
      });
      expect(notes[1]?.payload).toMatchObject({ caseNumber, articleNumber: 'KA-01002', title: article.title, content: article.content });
    });

    it('fails for good, as ArticleNotFound, on an unknown or unpublished article', async () => {
      const caseNumber = await openCase({ type: 'contact', id: ids.goldContact });
      const [draft] = await db('knowledge_articles')
        .insert({ article_number: 'KA-08001', title: 'Draft', content: 'Not yet.', status: 'draft' })
        .returning<{ id: string }[]>('id');
      for (const articleId of [randomUUID(), draft!.id, 'KA-01002']) {
        const failure = await failureOf(run('linkArticle', { caseNumber, articleId, linkedByUserId: null, linkedAt: WORKFLOW_TIME, sendToCustomer: true }));
        expect(failure).toMatchObject({ type: 'ArticleNotFound', nonRetryable: true });
      }
      expect(await count('case_articles', { case_id: await caseId(caseNumber) })).toBe(0);
    });
  });
});
