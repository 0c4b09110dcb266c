import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities, withCaseEffects, type CaseActivities } from '../../activities';
import { CASE_WORKFLOW_INTERCEPTOR_MODULES } from '../../app/temporal/bundle-workflows';
import { caseWorkflowId } from '../../domain/case-number';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { migrateToLatest } from '../../db/migrate';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import type { CaseOpening } from '../../domain/case';
import type { caseWorkflow } from '../../workflows';
import type { CaseSettings } from '../../workflows/case-state';
import { getCaseStateQuery } from '../../workflows/messages';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases';
import { startTimeSkippingTemporal } from './temporal';

export const TEST_SURVEY_SECRET = 'test-secret-for-survey-tokens';

export function silentBundlerLogger() {
  const noop = (): void => undefined;
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
}

export function bundleCaseWorkflows() {
  // As the app bundles them (app/temporal/bundle-workflows.ts): with the workflow interceptors.
  return bundleWorkflowCode({ workflowsPath: join(import.meta.dirname, '../../workflows'), workflowInterceptorModules: [...CASE_WORKFLOW_INTERCEPTOR_MODULES], logger: silentBundlerLogger() });
}

/** A worker with the real activities over a fresh, migrated and seeded database. */
export interface CaseHarness {
  readonly env: TestWorkflowEnvironment;
  readonly database: TestDatabase;
  readonly taskQueue: string;
  readonly activities: CaseActivities;
  startWorker(overrides?: Partial<CaseActivities>, options?: { sticky?: boolean }): Promise<{ worker: Worker; stop(): Promise<void> }>;
  openCase(overrides?: Partial<CaseOpening>, settings?: Partial<CaseSettings>): Promise<WorkflowHandle<typeof caseWorkflow>>;
  waitForState(handle: WorkflowHandle<typeof caseWorkflow>, until: (state: Awaited<ReturnType<typeof queryState>>) => boolean): ReturnType<typeof queryState>;
  goldContactId(): Promise<string>;
  close(): Promise<void>;
}

function queryState(handle: WorkflowHandle<typeof caseWorkflow>) {
  return handle.query(getCaseStateQuery);
}

export async function createCaseHarness(env: TestWorkflowEnvironment, workflowBundle: { code: string }, kind: DatabaseKind = 'postgres'): Promise<CaseHarness> {
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.db);
  await seedDemoData(database.db);
  const taskQueue = `cases-${randomUUID()}`;
  const activities = createActivities({ db: database.db, surveySecret: TEST_SURVEY_SECRET, publicBaseUrl: 'http://caseflow.test' });
  const cases = createCaseRepository(database.db);

  const harness: CaseHarness = {
    env,
    database,
    taskQueue,
    activities,
    async startWorker(overrides = {}, options = {}) {
      const worker = await Worker.create({
        // The time-skipping test server does not hand a dead worker's sticky tasks back to the
        // normal queue; a worker a test will kill runs without a workflow cache.
        ...(options.sticky === false ? { maxCachedWorkflows: 0 } : {}),
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle,
        activities: withCaseEffects({ ...activities, ...overrides }),
      });
      const running = worker.run();
      running.catch((error: unknown) => console.error('case worker failed', error));
      return {
        worker,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
        },
      };
    },
    async openCase(overrides = {}, settings = {}) {
      const requestId = randomUUID();
      const caseNumber = await cases.reserveCaseNumber(requestId);
      const opening: CaseOpening = {
        caseNumber,
        requestId,
        title: 'Printer shows offline',
        description: 'The office printer has been offline since this morning.',
        customer: { type: 'contact', id: await harness.goldContactId() },
        channel: 'email',
        priority: 'normal',
        productId: null,
        subject: null,
        openedByUserId: null,
        ...overrides,
      };
      return env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        workflowId: `${caseWorkflowId(caseNumber)}-${randomUUID().slice(0, 8)}`,
        taskQueue,
        // Both test servers have the case search attributes registered (support/temporal.ts).
        args: [{ kind: 'open', opening, settings: { searchAttributes: true, ...settings } }],
      });
    },
    async waitForState(handle, until) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          const state = await queryState(handle);
          if (until(state)) return state;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        if (Date.now() > deadline) throw new Error('case state not reached within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async goldContactId() {
      const contact = await database.db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
      return contact.id;
    },
    close: () => database.close(),
  };
  return harness;
}

/**
 * The usual set-up of a workflow test file: the time-skipping server, the workflow bundle, a fresh
 * seeded database and a worker with the real activities; `stop()` undoes it all.
 */
export async function startTimeSkippingCases(): Promise<{ env: TestWorkflowEnvironment; harness: CaseHarness; stop: () => Promise<void> }> {
  const [env, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  const harness = await createCaseHarness(env, bundle);
  const worker = await harness.startWorker();
  return {
    env,
    harness,
    stop: async () => {
      await worker.stop();
      await harness.close();
      await env.teardown();
    },
  };
}
