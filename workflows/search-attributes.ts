import type { upsertSearchAttributes } from '@temporalio/workflow';
import { slaState, type CaseState } from './case-state';

/**
 * The case's search attributes, so operators find cases in Temporal's own tools (Web UI, `temporal
 * workflow list --query "CaseStatus='active' AND CaseQueue='…'"`). All Keyword. An upsert of an
 * attribute the namespace has not registered fails the workflow task and stalls the case, so the
 * processes register these at start (app/temporal/search-attributes.ts) and the workflow upserts
 * only when its settings say they are there.
 */
export const CASE_SEARCH_ATTRIBUTES = ['CaseNumber', 'CaseStatus', 'CaseQueue', 'CasePriority', 'SlaState', 'CaseCustomer', 'CaseOwner'] as const;

export type CaseSearchAttribute = (typeof CASE_SEARCH_ATTRIBUTES)[number];
export type CaseSearchValues = Readonly<Record<CaseSearchAttribute, string>>;

/** What upsertSearchAttributes takes in its typed form (@temporalio/workflow does not export the type). */
type SearchAttributeUpdates = Extract<Parameters<typeof upsertSearchAttributes>[0], readonly unknown[]>;

/** The values the case is found by; an absent queue, owner or SLA is the empty string. */
export function caseSearchValues(s: CaseState): CaseSearchValues {
  return {
    CaseNumber: s.opening.caseNumber,
    CaseStatus: s.status,
    CaseQueue: s.queueId ?? '',
    CasePriority: s.priority,
    SlaState: slaState(s) ?? '',
    CaseCustomer: s.opening.customer.id,
    CaseOwner: s.ownerUserId ?? '',
  };
}

/** The attributes whose value differs from what was upserted last (all of them the first time). */
export function searchAttributeChanges(last: CaseSearchValues | null, next: CaseSearchValues): SearchAttributeUpdates {
  return CASE_SEARCH_ATTRIBUTES.filter((name) => last?.[name] !== next[name]).map((name) => ({
    key: { name, type: 'KEYWORD' as const },
    value: next[name],
  }));
}

/**
 * Keeps the workflow's search attributes in step with the case: `sync` is called after every wake
 * of the main loop and upserts only what changed since its last upsert in this run.
 */
export class CaseSearchIndex {
  private last: CaseSearchValues | null = null;

  constructor(private readonly upsert: typeof upsertSearchAttributes) {}

  sync(s: CaseState): void {
    const next = caseSearchValues(s);
    const changes = searchAttributeChanges(this.last, next);
    if (changes.length === 0) return;
    this.upsert(changes);
    this.last = next;
  }
}
