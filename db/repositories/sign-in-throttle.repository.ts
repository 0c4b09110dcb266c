import type { Database } from '../connection';
import type { ThrottleState } from '../../domain/sign-in-throttle';

/** Whose sign-in failures a counter holds: an account name, or a client address. */
export type ThrottleScope = 'account' | 'address';

interface ThrottleRow {
  failures: number;
  since: Date | string;
  locked_until: Date | string | null;
  forget_at: Date | string;
}

/** How many forgotten counters one call deletes at most: the clean-up stays a small, bounded cost. */
const PRUNE_BATCH = 100;

function toState(row: ThrottleRow): ThrottleState {
  return { failures: row.failures, since: new Date(row.since), lockedUntil: row.locked_until === null ? null : new Date(row.locked_until), forgetAt: new Date(row.forget_at) };
}

function toRow(state: ThrottleState): ThrottleRow {
  return { failures: state.failures, since: state.since, locked_until: state.lockedUntil, forget_at: state.forgetAt };
}

/**
 * Locks the counter's row, first inserting a placeholder that counts for nothing (no failures) when
 * there is none. Twice at most: a clean-up may delete a forgotten row between the insert and the lock.
 */
async function lockRow(trx: Database, scope: ThrottleScope, key: string): Promise<ThrottleRow> {
  const epoch = new Date(0);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await trx('sign_in_throttles').insert({ scope, key, failures: 0, since: epoch, locked_until: null, forget_at: epoch }).onConflict(['scope', 'key']).ignore();
    const row = await trx('sign_in_throttles').where({ scope, key }).forUpdate().first<ThrottleRow | undefined>('failures', 'since', 'locked_until', 'forget_at');
    if (row) return row;
  }
  throw new Error(`the sign-in counter ${scope}/${key} could not be locked`);
}

/**
 * The sign-in counters (table sign_in_throttles), shared by every server process. A change reads
 * and writes its row under a row lock, so concurrent attempts on one name each see the other's count.
 */
export function createSignInThrottleRepository(db: Database) {
  return {
    /**
     * Applies `change` to the counter's current state (undefined: none) and stores what it returns
     * (undefined: delete); `change` also says what to answer. One transaction, the row locked.
     */
    async change<T>(scope: ThrottleScope, key: string, change: (current: ThrottleState | undefined) => { readonly next: ThrottleState | undefined; readonly answer: T }): Promise<T> {
      return db.transaction(async (trx) => {
        const row = await lockRow(trx, scope, key);
        const { next, answer } = change(row.failures > 0 ? toState(row) : undefined);
        if (next) await trx('sign_in_throttles').where({ scope, key }).update(toRow(next));
        else await trx('sign_in_throttles').where({ scope, key }).delete();
        return answer;
      });
    },

    /** The counter as stored (tests and diagnostics). */
    async find(scope: ThrottleScope, key: string): Promise<ThrottleState | undefined> {
      const row = await db('sign_in_throttles').where({ scope, key }).first<ThrottleRow | undefined>('failures', 'since', 'locked_until', 'forget_at');
      return row && row.failures > 0 ? toState(row) : undefined;
    },

    /** Deletes an account name's counter (a successful sign-in). */
    async clear(scope: ThrottleScope, key: string): Promise<void> {
      await db('sign_in_throttles').where({ scope, key }).delete();
    },

    /** Deletes up to a batch of counters forgotten before `now`: names and addresses tried once do not pile up. */
    async pruneForgotten(now: Date): Promise<void> {
      const stale = db('sign_in_throttles').select('scope', 'key').where('forget_at', '<=', now).limit(PRUNE_BATCH);
      await db('sign_in_throttles').whereIn(['scope', 'key'], stale).delete();
    },
  };
}

export type SignInThrottleRepository = ReturnType<typeof createSignInThrottleRepository>;
