import { ApplicationFailure } from '@temporalio/common';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createCaseProblemRepository } from '../db/repositories/case-problem.repository';
import type { Database } from '../db/connection';
import { storableText } from '../domain/text';

/** From this attempt on, an activity that fails again puts its case on the "needing attention" list. */
export const FAILING_ACTIVITY_ATTEMPTS = 5;

/** The effect name a retrying activity is listed under (one row per case and activity type). */
export const retryingEffect = (activityType: string): string => `retrying ${activityType}`;

const CASE_WORKFLOW_PREFIX = 'case-';

/**
 * Activities retry for ever by design (a transient fault must not lose a case), so an activity that
 * keeps failing is invisible unless someone looks at the Temporal UI. This interceptor makes it
 * visible: when a case's activity fails at attempt FAILING_ACTIVITY_ATTEMPTS or later, the case is
 * put on the operators' list with the error; when it finally succeeds, it is taken off again.
 * Reporting is best effort: a database that is down fails the report too, and the activity's own
 * outcome is what counts.
 */
export function failingActivityWatch(db: Database, logger?: Pick<Logger, 'warn'>): ActivityInterceptorsFactory {
  const problems = createCaseProblemRepository(db);
  return (ctx: Context) => ({ inbound: new FailingActivityWatch(ctx, problems, logger) });
}

class FailingActivityWatch implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly problems: ReturnType<typeof createCaseProblemRepository>,
    private readonly logger: Pick<Logger, 'warn'> | undefined,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { attempt, activityType, workflowExecution } = this.ctx.info;
    const workflowId = workflowExecution?.workflowId ?? '';
    const caseNumber = workflowId.startsWith(CASE_WORKFLOW_PREFIX) ? workflowId.slice(CASE_WORKFLOW_PREFIX.length) : null;
    let result: unknown;
    try {
      result = await next(input);
    } catch (error) {
      const willRetry = !(error instanceof ApplicationFailure && error.nonRetryable);
      if (caseNumber && willRetry && attempt >= FAILING_ACTIVITY_ATTEMPTS) {
        const message = `attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`;
        await this.bestEffort(() => this.problems.report(caseNumber, retryingEffect(activityType), storableText(message).slice(0, 2_000)));
      }
      throw error;
    }
    if (caseNumber && attempt >= FAILING_ACTIVITY_ATTEMPTS) await this.bestEffort(() => this.problems.clear(caseNumber, retryingEffect(activityType)));
    return result;
  }

  private async bestEffort(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.logger?.warn({ err: error, activityType: this.ctx.info.activityType }, 'could not update the cases needing attention');
    }
  }
}
