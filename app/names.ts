/** Names shared by every process: change them here and every worker, server and test agrees. */
export const DEFAULT_TASK_QUEUE = 'caseflow';
export const DEFAULT_NAMESPACE = 'default';

/** Case id = workflow id: one workflow per case, derived from the case number. */
export function caseWorkflowId(caseNumber: string): string {
  return `case-${caseNumber}`;
}

/** Case numbers as agents read them on the phone: CAS-01000, CAS-01001, … */
export function formatCaseNumber(sequence: number): string {
  return `CAS-${String(sequence).padStart(5, '0')}`;
}

export const CASE_NUMBER_PATTERN = /^CAS-\d{5,}$/;
