/**
 * The case number, as agents read it on the phone and customers type it: CAS-01000. The one place
 * that knows its shape; the API, the bot, email and the repositories use these.
 */

/** The number of the `sequence`-th case: CAS-01000, CAS-01001, … */
export function formatCaseNumber(sequence: number): string {
  return `CAS-${String(sequence).padStart(5, '0')}`;
}

/** A case number exactly as the system writes it. */
export const CASE_NUMBER_PATTERN = /^CAS-\d{5,}$/;

/** Case numbers as the system writes them, anywhere in a text (a mail subject, our `[CAS-01000]` tag). */
export function caseNumbersIn(text: string): string[] {
  return [...new Set(text.toUpperCase().match(/\bCAS-\d{5,}\b/g) ?? [])];
}

/** A mail subject without our `[CAS-01000]` tags. */
export function withoutCaseNumberTags(subject: string): string {
  return subject.replace(/\[\s*CAS-\d{5,}\s*\]/gi, ' ');
}

/** A case number as a person types it in chat: "CAS-01000", "cas 1000", "CAS1000". */
export const TYPED_CASE_NUMBER = /\bCAS[-\s]?(\d{4,7})\b/i;

/** The case number a person typed, written the system's way, or undefined. */
export function normaliseCaseNumber(text: string): string | undefined {
  const match = TYPED_CASE_NUMBER.exec(text);
  return match?.[1] ? `CAS-${match[1].padStart(5, '0')}` : undefined;
}

/** Case id = workflow id: one workflow per case, derived from the case number. */
export function caseWorkflowId(caseNumber: string): string {
  return `case-${caseNumber}`;
}
