import type { Actor } from '../domain/actor';
import type { CaseChange } from '../db/repositories/case.repository';
import { caseScopeFor, isInScope, type CaseVisibilityFacts } from './case-scope';

export interface CaseListChangesDependencies {
  /** The cases whose read-model row was written in the last `seconds`. */
  recentlyChanged(seconds: number): Promise<CaseChange[]>;
  readonly logger?: { warn(object: object, message: string): void };
}

export interface CaseListChangesOptions {
  /** How often the read model is looked at while anyone listens. Default 2 s. */
  readonly pollMs?: number;
  /** How far back each look reaches; longer than any write takes to commit. Default 30 s. */
  readonly windowSeconds?: number;
  /** How many cases' last facts are remembered, to tell those who saw a case that it left them. Default 50 000. */
  readonly remember?: number;
}

type Listener = (caseNumbers: readonly string[]) => void;

/**
 * Says when the cases someone may see change (GET /cases/events), so an inbox refreshes without
 * polling. One look per process every `pollMs`, only while someone listens, whatever the number of
 * listeners: the rows written in the last `windowSeconds` (an index range scan), compared by
 * version with what was seen before. Each listener hears only of cases its caller may see, now or
 * before the change (a case transferred out of an agent's queue leaves their list too).
 */
export function createCaseListChanges(deps: CaseListChangesDependencies, options: CaseListChangesOptions = {}) {
  const pollMs = options.pollMs ?? 2_000;
  const windowSeconds = options.windowSeconds ?? 30;
  const remember = options.remember ?? 50_000;
  const listeners = new Map<Listener, Actor>();
  /** caseNumber → the version and facts last seen; insertion order is recency. */
  const seen = new Map<string, { readonly version: number; readonly facts: CaseVisibilityFacts }>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let looking = false;
  let primed = false;

  async function look(): Promise<void> {
    if (looking) return;
    looking = true;
    try {
      const changes: { readonly caseNumber: string; readonly now: CaseVisibilityFacts; readonly before: CaseVisibilityFacts | undefined }[] = [];
      for (const row of await deps.recentlyChanged(windowSeconds)) {
        const before = seen.get(row.caseNumber);
        if (before && before.version >= row.version) continue;
        seen.delete(row.caseNumber);
        seen.set(row.caseNumber, { version: row.version, facts: row });
        changes.push({ caseNumber: row.caseNumber, now: row, before: before?.facts });
      }
      while (seen.size > remember) seen.delete(seen.keys().next().value!);
      // The first look only learns what is there: nobody has been waiting for it.
      if (!primed) {
        primed = true;
        return;
      }
      if (changes.length === 0) return;
      for (const [listener, actor] of listeners) {
        const scope = caseScopeFor(actor);
        const visible = changes.filter((c) => isInScope(scope, c.now) || (c.before !== undefined && isInScope(scope, c.before))).map((c) => c.caseNumber);
        if (visible.length > 0) listener(visible);
      }
    } catch (error) {
      // The database is busy or away: the next look tries again; lists still poll meanwhile.
      deps.logger?.warn({ err: error }, 'case list changes: the look at the read model failed');
    } finally {
      looking = false;
    }
  }

  return {
    /** Calls `listener` with the numbers of the cases `actor` may see that changed; returns the unsubscribe. */
    subscribe(actor: Actor, listener: Listener): () => void {
      listeners.set(listener, actor);
      if (!timer) {
        void look();
        timer = setInterval(() => void look(), pollMs);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    /** For tests: one look now. */
    look,
  };
}

export type CaseListChanges = ReturnType<typeof createCaseListChanges>;
