import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { caseWorkflowId } from '../domain/case-number';

/** One case's live history replayed against the workflow code this process would run. */
export interface ReplayVerdict {
  readonly caseNumber: string;
  readonly workflowId: string;
  readonly runId: string;
  /** True: the code makes exactly the decisions the history recorded. */
  readonly ok: boolean;
  /** What differs (a nondeterminism error names the event and the command), when not ok. */
  readonly problem?: string;
}

export interface ReplayCheckDependencies {
  readonly temporal: Client;
  /** The workflow code to check: the bundle the workers load (dist/workflow-bundle.js) or one built from source. */
  readonly workflowBundle: () => Promise<WorkflowBundleOption>;
}

/**
 * A traced run's workflow code hands its spans to the worker's `exporter` sink
 * (workflows/tracing.interceptors.ts); a replay sends none, but the sink must exist or every call logs an error.
 */
const REPLAY_SINKS = { exporter: { export: { fn: (): void => undefined } } };

const CASE_PREFIX = 'case-';
const caseNumberOf = (workflowId: string): string => (workflowId.startsWith(CASE_PREFIX) ? workflowId.slice(CASE_PREFIX.length) : workflowId);
const OPEN_CASES_QUERY = "WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'";

/**
 * The replay check: fetches each case's current run from Temporal and replays it against the
 * workflow code, without running anything (no activity, no write). A nondeterminism here is what
 * would wedge that case on a worker running this code: check before deploying a workflow change.
 */
export function createReplayCheck(deps: ReplayCheckDependencies) {
  async function check(workflowIds: readonly string[]): Promise<ReplayVerdict[]> {
    const verdicts: ReplayVerdict[] = [];
    const found: string[] = [];
    for (const workflowId of workflowIds) {
      try {
        await deps.temporal.workflow.getHandle(workflowId).describe();
        found.push(workflowId);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        verdicts.push({ caseNumber: caseNumberOf(workflowId), workflowId, runId: '', ok: false, problem: 'Temporal has no workflow for this case (never started, or past its retention)' });
      }
    }
    if (found.length === 0) return verdicts;
    const bundle = await deps.workflowBundle();
    const histories = (async function* () {
      for (const workflowId of found) yield { workflowId, history: await deps.temporal.workflow.getHandle(workflowId).fetchHistory() };
    })();
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'caseflow-replay-check', sinks: REPLAY_SINKS }, histories)) {
      verdicts.push({
        caseNumber: caseNumberOf(result.workflowId),
        workflowId: result.workflowId,
        runId: result.runId,
        ok: result.error === undefined,
        ...(result.error ? { problem: result.error.message } : {}),
      });
    }
    return verdicts;
  }

  return {
    /** These cases (by number). */
    cases: (caseNumbers: readonly string[]) => check(caseNumbers.map(caseWorkflowId)),
    /** Every open case (workflow running), at most `limit`. */
    async openCases(limit = 1_000): Promise<ReplayVerdict[]> {
      const ids: string[] = [];
      for await (const execution of deps.temporal.workflow.list({ query: OPEN_CASES_QUERY })) {
        ids.push(execution.workflowId);
        if (ids.length >= limit) break;
      }
      return check(ids);
    },
  };
}

export type ReplayCheck = ReturnType<typeof createReplayCheck>;
