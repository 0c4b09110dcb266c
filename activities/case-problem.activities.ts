import { createCaseProblemRepository } from '../db/repositories/case-problem.repository';
import type { Database } from '../db/connection';
import { storableText } from '../domain/text';

export interface ReportCaseProblemInput {
  readonly caseNumber: string;
  readonly effect: string;
  readonly error: string;
}

/** Text made storable whatever it holds: the report of bad data must not fail on the same bad data. */
const storable = (text: string, max: number): string => storableText(text).slice(0, max);

export function createCaseProblemActivities(db: Database) {
  const problems = createCaseProblemRepository(db);
  return {
    /** Puts the case on the operators' "needing attention" list (a write the database refused for good). Idempotent per case and kind of write. */
    async reportCaseProblem(input: ReportCaseProblemInput): Promise<void> {
      // A driver's message starts with the whole statement: keep what the database said.
      const said = input.error.split(' - ').pop() ?? input.error;
      await problems.report(storable(input.caseNumber, 50), storable(input.effect, 50), storable(said, 2_000));
    },
  };
}
