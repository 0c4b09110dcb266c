import type { Database } from '../connection';

/** A write of a case that the database refused for good, as operators see it. */
export interface CaseProblem {
  readonly caseNumber: string;
  /** What the workflow was recording: the case row, a KPI, an activity, a notification … */
  readonly effect: string;
  readonly error: string;
  readonly occurrences: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

interface CaseProblemRow {
  case_number: string;
  effect: string;
  error: string;
  occurrences: number;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
}

/** Cases needing attention: their refused writes, one row per case and kind of write. */
export function createCaseProblemRepository(db: Database) {
  return {
    /** Records a refused write, or counts one more of the same kind for the case. */
    async report(caseNumber: string, effect: string, error: string): Promise<void> {
      await db('case_problems')
        .insert({ case_number: caseNumber, effect, error })
        .onConflict(['case_number', 'effect'])
        .merge({ error, occurrences: db.raw('case_problems.occurrences + 1'), last_seen_at: db.fn.now() });
    },

    /** Takes a kind of problem off a case (it went away: a retried activity finally succeeded). */
    async clear(caseNumber: string, effect: string): Promise<void> {
      await db('case_problems').where({ case_number: caseNumber, effect }).delete();
    },

    /** How many cases have at least one problem (the metric). */
    async countCases(): Promise<number> {
      const row = await db('case_problems').countDistinct<{ count: string | number }[]>('case_number as count');
      return Number(row[0]?.count ?? 0);
    },

    /** The most recent problems first. */
    async list(limit: number): Promise<CaseProblem[]> {
      const rows = await db('case_problems').orderBy([{ column: 'last_seen_at', order: 'desc' }, { column: 'case_number' }]).limit(limit).select<CaseProblemRow[]>('case_number', 'effect', 'error', 'occurrences', 'first_seen_at', 'last_seen_at');
      return rows.map((row) => ({
        caseNumber: row.case_number,
        effect: row.effect,
        error: row.error,
        occurrences: row.occurrences,
        firstSeenAt: new Date(row.first_seen_at).toISOString(),
        lastSeenAt: new Date(row.last_seen_at).toISOString(),
      }));
    },
  };
}

export type CaseProblemRepository = ReturnType<typeof createCaseProblemRepository>;
