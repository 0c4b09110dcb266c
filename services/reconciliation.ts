import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CaseRowFact, ReconciliationRepository } from '../db/repositories/reconciliation.repository';
import { CASE_NUMBER_PATTERN, caseWorkflowId } from '../domain/case-number';

/**
 * Reconciliation: the records (reserved numbers, case rows, the once-per-resolution rows) against
 * the case workflows Temporal holds. Every case is one workflow `case-<case number>`; every
 * reserved number leads to one; a resolution episode writes one resolution activity, one survey
 * and, for an entitled case, one entitlement usage. What is still being written (younger than the
 * grace period) is "in flight", not a mismatch.
 */

/** The current run of one case workflow, as Temporal lists it. */
export interface CaseWorkflowFact {
  readonly workflowId: string;
  readonly runId: string;
  /** RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, CANCELLED, CONTINUED_AS_NEW … */
  readonly status: string;
  readonly startTime: string;
}

/** Where the case workflows come from: Temporal (temporalCaseWorkflows) or, in a test, a list. */
export interface CaseWorkflowSource {
  /** Every run of every case workflow the namespace lists (visibility may lag a little). */
  list(): Promise<CaseWorkflowFact[]>;
  /** The current run of one workflow, asked directly (never lags); undefined when there is none. */
  describe(workflowId: string): Promise<CaseWorkflowFact | undefined>;
}

export interface ReconciliationDependencies {
  readonly records: Pick<ReconciliationRepository, 'reservations' | 'caseRows' | 'resolutionActivities' | 'entitlementUsages' | 'surveys'>;
  readonly workflows: CaseWorkflowSource;
}

export interface ReconciliationOptions {
  /** The instant to judge ages from (default: now). */
  readonly now?: Date;
  /** How old something unfinished must be to count as a mismatch (default 5 minutes). */
  readonly graceMs?: number;
}

export interface Mismatch {
  readonly check: CheckName;
  readonly caseNumber: string | null;
  readonly problem: string;
}

export const CHECKS = ['reserved numbers', 'case rows', 'case workflows', 'resolution activities', 'entitlement usages', 'surveys'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface CheckResult {
  readonly check: CheckName;
  /** What was compared: reserved numbers, rows, workflows, (case, episode) pairs. */
  readonly compared: number;
  readonly matched: number;
  /** Unfinished but younger than the grace period. */
  readonly inFlight: number;
  readonly mismatches: readonly Mismatch[];
}

export interface ReconciliationReport {
  readonly checkedAt: string;
  readonly graceMs: number;
  readonly checks: readonly CheckResult[];
  readonly mismatches: readonly Mismatch[];
  readonly ok: boolean;
}

const DEFAULT_GRACE_MS = 5 * 60_000;
/** Runs that ended without the case closing: the case is lost to its workflow. */
const ABNORMAL_END = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED', 'CANCELED']);
/** How many workflows missing from the listing are asked about one by one (visibility lag); more is a listing problem. */
const DESCRIBE_LIMIT = 500;

class Check {
  compared = 0;
  matched = 0;
  inFlight = 0;
  readonly mismatches: Mismatch[] = [];
  constructor(readonly check: CheckName) {}
  ok(): void {
    this.compared += 1;
    this.matched += 1;
  }
  pending(): void {
    this.compared += 1;
    this.inFlight += 1;
  }
  bad(caseNumber: string | null, problem: string): void {
    this.compared += 1;
    this.mismatches.push({ check: this.check, caseNumber, problem });
  }
  result(): CheckResult {
    return { check: this.check, compared: this.compared, matched: this.matched, inFlight: this.inFlight, mismatches: this.mismatches };
  }
}

/** The current run of each workflow id: the one started last (a continued-as-new chain ends in it). */
function currentRuns(runs: readonly CaseWorkflowFact[]): Map<string, CaseWorkflowFact> {
  const current = new Map<string, CaseWorkflowFact>();
  for (const run of runs) {
    const known = current.get(run.workflowId);
    if (!known || run.startTime > known.startTime || (run.startTime === known.startTime && run.status === 'RUNNING')) current.set(run.workflowId, run);
  }
  return current;
}

const episodeKey = (caseId: string, episode: number): string => `${caseId}#${episode}`;

export async function reconcile(deps: ReconciliationDependencies, options: ReconciliationOptions = {}): Promise<ReconciliationReport> {
  const now = (options.now ?? new Date()).getTime();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const old = (iso: string): boolean => now - Date.parse(iso) >= graceMs;

  // Records first, workflows second: a case opened in between has a workflow but maybe no row yet
  // (in flight), never a row without its workflow.
  const [reservations, rows, resolutions, usages, surveys] = await Promise.all([
    deps.records.reservations(),
    deps.records.caseRows(),
    deps.records.resolutionActivities(),
    deps.records.entitlementUsages(),
    deps.records.surveys(),
  ]);
  const workflows = currentRuns(await deps.workflows.list());

  // Anything the listing lacks is asked about directly before it is called missing.
  const expected = new Set([...reservations.map((r) => caseWorkflowId(r.caseNumber)), ...rows.map((r) => r.workflowId)]);
  const unlisted = [...expected].filter((id) => !workflows.has(id));
  for (const id of unlisted.slice(0, DESCRIBE_LIMIT)) {
    const found = await deps.workflows.describe(id);
    if (found) workflows.set(id, found);
  }

  const rowByNumber = new Map(rows.map((r) => [r.caseNumber, r]));
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const reservedNumbers = new Set(reservations.map((r) => r.caseNumber));

  // 1. Every reserved number has its case: a row, or at least a workflow that is writing it.
  const reserved = new Check('reserved numbers');
  for (const reservation of reservations) {
    const hasRow = rowByNumber.has(reservation.caseNumber);
    const hasWorkflow = workflows.has(caseWorkflowId(reservation.caseNumber));
    // With either half present, the row and workflow checks below judge the other.
    if (hasRow || hasWorkflow) reserved.ok();
    else if (!old(reservation.reservedAt)) reserved.pending();
    else reserved.bad(reservation.caseNumber, `reserved at ${reservation.reservedAt} (request ${reservation.requestId}) but no workflow and no row`);
  }

  // 2. Every row has its workflow, under the id derived from its number, in a state that fits the row.
  const caseRows = new Check('case rows');
  for (const row of rows) {
    const problem = rowProblem(row, workflows.get(row.workflowId), old);
    if (problem === null) caseRows.ok();
    else if (problem === 'in flight') caseRows.pending();
    else caseRows.bad(row.caseNumber, problem);
  }

  // 3. Every case workflow has its row (once it had time to write it) and a reserved number.
  const caseWorkflows = new Check('case workflows');
  for (const workflow of workflows.values()) {
    const caseNumber = workflow.workflowId.replace(/^case-/, '');
    if (!workflow.workflowId.startsWith('case-') || !CASE_NUMBER_PATTERN.test(caseNumber)) {
      caseWorkflows.bad(null, `workflow ${workflow.workflowId} is a case workflow whose id is not case-<case number>`);
    } else if (!rowByNumber.has(caseNumber)) {
      if (old(workflow.startTime)) caseWorkflows.bad(caseNumber, `workflow ${workflow.workflowId} (${workflow.status}, started ${workflow.startTime}) has no case row: its first write never landed`);
      else caseWorkflows.pending();
    } else if (!reservedNumbers.has(caseNumber)) {
      caseWorkflows.bad(caseNumber, `workflow ${workflow.workflowId} has a row but its number was never reserved`);
    } else caseWorkflows.ok();
  }

  // 4–6. The once-per-resolution rows: one resolution activity per (case, episode); for it one
  // survey, and one usage when the case is entitled; none of them without a resolution.
  const resolutionByEpisode = new Map(resolutions.map((r) => [episodeKey(r.caseId, r.episode), r]));
  const caseLabel = (caseId: string): string | null => rowById.get(caseId)?.caseNumber ?? null;

  const resolutionCheck = new Check('resolution activities');
  const resolvedCases = new Set(resolutions.map((r) => r.caseId));
  for (const resolution of resolutions) {
    const label = caseLabel(resolution.caseId);
    if (label === null) resolutionCheck.bad(null, `resolution activity of case id ${resolution.caseId} (episode ${resolution.episode}), which has no row`);
    else if (resolution.episode < 1) resolutionCheck.bad(label, 'a resolution activity without a well-formed episode key');
    else if (resolution.rows > 1) resolutionCheck.bad(label, `${resolution.rows} resolution activities for episode ${resolution.episode}`);
    else resolutionCheck.ok();
  }
  for (const row of rows) {
    // A closed case may have been cancelled; a resolved one has been resolved at least once.
    if (row.status === 'resolved' && !resolvedCases.has(row.id)) {
      resolutionCheck.bad(row.caseNumber, 'the row says resolved but there is no resolution activity');
    }
  }

  const usageCheck = new Check('entitlement usages');
  const usageByEpisode = new Map(usages.map((u) => [episodeKey(u.caseId, u.episode), u]));
  for (const usage of usages) {
    const row = rowById.get(usage.caseId);
    const label = row?.caseNumber ?? null;
    if (!row) usageCheck.bad(null, `usage of case id ${usage.caseId} (episode ${usage.episode}), which has no row`);
    else if (usage.rows > 1) usageCheck.bad(label, `${usage.rows} usages for episode ${usage.episode}: the entitlement was charged more than once`);
    else if (!resolutionByEpisode.has(episodeKey(usage.caseId, usage.episode))) usageCheck.bad(label, `a usage for episode ${usage.episode}, which was never resolved`);
    else if (!row.isEntitled) usageCheck.bad(label, `a usage for episode ${usage.episode} of a case that is not entitled`);
    else usageCheck.ok();
  }
  for (const resolution of resolutions) {
    const row = rowById.get(resolution.caseId);
    if (row?.isEntitled && resolution.episode >= 1 && !usageByEpisode.has(episodeKey(resolution.caseId, resolution.episode))) {
      usageCheck.bad(row.caseNumber, `episode ${resolution.episode} was resolved but the entitlement was not charged`);
    }
  }

  const surveyCheck = new Check('surveys');
  const surveyByEpisode = new Map(surveys.map((s) => [episodeKey(s.caseId, s.episode), s]));
  for (const survey of surveys) {
    const label = caseLabel(survey.caseId);
    if (label === null) surveyCheck.bad(null, `survey of case id ${survey.caseId} (episode ${survey.episode}), which has no row`);
    else if (survey.rows > 1) surveyCheck.bad(label, `${survey.rows} surveys for episode ${survey.episode}`);
    else if (!resolutionByEpisode.has(episodeKey(survey.caseId, survey.episode))) surveyCheck.bad(label, `a survey for episode ${survey.episode}, which was never resolved`);
    else surveyCheck.ok();
  }
  for (const resolution of resolutions) {
    const label = caseLabel(resolution.caseId);
    if (label === null || resolution.episode < 1 || surveyByEpisode.has(episodeKey(resolution.caseId, resolution.episode))) continue;
    // The survey is the effect after the resolution: a moment behind it.
    if (old(resolution.firstAt)) surveyCheck.bad(label, `episode ${resolution.episode} was resolved at ${resolution.firstAt} but no survey was sent`);
    else surveyCheck.pending();
  }

  const checks = [reserved, caseRows, caseWorkflows, resolutionCheck, usageCheck, surveyCheck].map((c) => c.result());
  const mismatches = checks.flatMap((c) => c.mismatches);
  return { checkedAt: new Date(now).toISOString(), graceMs, checks, mismatches, ok: mismatches.length === 0 };
}

/** What is wrong between a row and its workflow; null when nothing, 'in flight' when it may still settle. */
function rowProblem(row: CaseRowFact, workflow: CaseWorkflowFact | undefined, old: (iso: string) => boolean): string | null {
  const expectedId = caseWorkflowId(row.caseNumber);
  if (row.workflowId !== expectedId) return `the row names workflow ${row.workflowId}, not ${expectedId}`;
  if (!workflow) return `no workflow ${row.workflowId}: the case has nothing to run it`;
  if (ABNORMAL_END.has(workflow.status)) return `workflow ${row.workflowId} ended ${workflow.status} while the row says ${row.status}`;
  if (workflow.status === 'COMPLETED' && row.status !== 'closed') return `workflow ${row.workflowId} completed but the row says ${row.status}, not closed`;
  if (workflow.status === 'RUNNING' && row.status === 'closed') return old(row.updatedAt) ? `the row says closed since ${row.updatedAt} but workflow ${row.workflowId} still runs` : 'in flight';
  return null;
}

/** The process's exit status for a report: 0 when everything matches, 1 on any mismatch. */
export function reconciliationExitCode(report: ReconciliationReport): number {
  return report.ok ? 0 : 1;
}

/** The report as a table of checks, then every mismatch on a line of its own. */
export function formatReconciliation(report: ReconciliationReport): string {
  const header = ['check', 'compared', 'matched', 'in flight', 'mismatches'];
  const body = report.checks.map((c) => [c.check, String(c.compared), String(c.matched), String(c.inFlight), String(c.mismatches.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (report.mismatches.length === 0) {
    out.push('', `OK: records and workflows match (checked ${report.checkedAt}; unfinished work younger than ${Math.round(report.graceMs / 1000)} s counts as in flight).`);
  } else {
    out.push('', `${report.mismatches.length} mismatch(es):`);
    for (const m of report.mismatches) out.push(`  [${m.check}] ${m.caseNumber ?? '-'}: ${m.problem}`);
  }
  return out.join('\n');
}

/** The case workflows of a Temporal namespace, through the client. */
export function temporalCaseWorkflows(client: Client, workflowType = 'caseWorkflow'): CaseWorkflowSource {
  const fact = (info: { workflowId: string; runId: string; status: { name: string }; startTime: Date }): CaseWorkflowFact => ({
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    startTime: info.startTime.toISOString(),
  });
  return {
    async list() {
      const runs: CaseWorkflowFact[] = [];
      for await (const info of client.workflow.list({ query: `WorkflowType = '${workflowType}'` })) runs.push(fact(info));
      return runs;
    },
    async describe(workflowId) {
      try {
        const info = await client.workflow.getHandle(workflowId).describe();
        return info.type === workflowType ? fact(info) : undefined;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return undefined;
        throw error;
      }
    },
  };
}
