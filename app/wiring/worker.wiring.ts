import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../../activities';
import { failingActivityWatch } from '../../activities/failing-activity.interceptor';
import type { Database } from '../../db/connection';
import { CASE_WORKFLOW_INTERCEPTOR_MODULES, WORKFLOW_BUNDLE_PATH } from '../temporal/bundle-workflows';
import { UNTRACED_WORKER, type WorkerTracing } from '../telemetry/tracing';

export interface CaseWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly db: Database;
  readonly surveySecret: string;
  readonly publicBaseUrl: string;
  /** Warnings about the cases-needing-attention list that could not be updated. */
  readonly logger?: Logger;
  /** Tests bundle the workflow code once and share it between workers. */
  readonly workflowBundle?: { readonly code: string };
  /** Tracing's sink and activity interceptors when it is on (app/telemetry/tracing.ts). */
  readonly tracing?: WorkerTracing;
  /** Case workflows kept in memory between tasks (TEMPORAL_MAX_CACHED_WORKFLOWS); undefined: the SDK's default. */
  readonly maxCachedWorkflows?: number;
}

/**
 * The worker that runs case workflows and their activities. It loads the bundle `npm run build`
 * made; without one (tests, a fresh checkout) it bundles the workflow code at creation. Pollers,
 * slots and the workflow cache are the SDK's defaults: measured from histories (README: Speed), a
 * single workflow thread or no V8 context reuse changed nothing; what a case action costs is its
 * round trips, which local activities removed.
 */
export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const workflows = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : existsSync(WORKFLOW_BUNDLE_PATH)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: join(__dirname, '..', '..', 'workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflows,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
    activities: createActivities({ db: options.db, surveySecret: options.surveySecret, publicBaseUrl: options.publicBaseUrl }),
    sinks: (options.tracing ?? UNTRACED_WORKER).sinks,
    interceptors: {
      // An activity that keeps failing puts its case on the operators' list (and the metric).
      activity: [failingActivityWatch(options.db, options.logger), ...(options.tracing ?? UNTRACED_WORKER).activityInterceptors],
      // A pre-built bundle carries them already.
      ...('workflowsPath' in workflows ? { workflowModules: [...CASE_WORKFLOW_INTERCEPTOR_MODULES] } : {}),
    },
  });
}
