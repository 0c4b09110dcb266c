/**
 * Changes to running logic, each behind patched() (README: changing the workflow). When no run
 * older than a patch remains, switch it to deprecatePatch(), then remove it. Every id here needs a
 * committed history recorded after it (test/replay).
 */
export const PATCHES = {
  /** The customer hears (email, chat) when an agent takes the case. */
  customerToldOnAccept: 'customer-told-on-accept',
  /** A write the database refuses for good puts the case on the operators' "needing attention" list. */
  caseProblemsReported: 'case-problems-reported',
  /** The customer hears (email, chat) when the case is put on hold or waits for them, resumes, moves to another team, and is resolved (with its text). */
  customerToldOfProgress: 'customer-told-of-progress',
  /** The case upserts its search attributes (CaseNumber, CaseStatus, CaseQueue …) when its settings allow. */
  searchAttributes: 'search-attributes',
  /** The opening's context load and every write run as local activities; the writes pending at once go in one call. */
  localEffects: 'local-effects',
} as const;
