import type { Knex } from 'knex';
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
const COLUMNS = ['failures', 'since', 'locked_until', 'forget_at'];

function toState(row: ThrottleRow): ThrottleState | undefined {
  // A row without failures is a placeholder (see lock): it counts for nothing.
  if (row.failures === 0) return undefined;
  return { failures: row.failures, since: new Date(row.since), lockedUntil: row.locked_until === null ? null : new Date(row.locked_until), forgetAt: new Date(row.forget_at) };
}

/** The counters as one transaction sees them: each locked once read, until the transaction ends. */
export interface LockedCounters {
  /** Reads the counter and locks its row (creating a placeholder when there is none). */
  lock(scope: ThrottleScope, key: string): Promise<ThrottleState | undefined>;
  /** Stores a counter read with `lock`; undefined deletes it. */
  store(scope: ThrottleScope, key: string, state: ThrottleState | undefined): Promise<void>;
}

function lockedCounters(trx: Knex.Transaction): LockedCounters {
  return {
    async lock(scope, key) {
      // An upsert that changes nothing still locks the row, and cannot race a concurrent insert or delete.
      const epoch = new Date(0);
      const [row] = await trx('sign_in_throttles')
        .insert({ scope, key, failures: 0, since: epoch, locked_until: null, forget_at: epoch })
        .onConflict(['scope', 'key'])
        .merge({ failures: trx.raw('sign_in_throttles.failures') })
        .returning<ThrottleRow[]>(COLUMNS);
      if (!row) throw new Error(`the sign-in counter ${scope}/${key} could not be locked`);
      return toState(row);
    },

    async store(scope, key, state) {
      const counter = trx('sign_in_throttles').where({ scope, key });
      if (state) await counter.update({ failures: state.failures, since: state.since, locked_until: state.lockedUntil, forget_at: state.forgetAt });
      else await counter.delete();
    },
  };
}

/**
 * The sign-in counters (table sign_in_throttles), shared by every server process. Changes run in a
 * transaction that locks the rows it reads, so concurrent attempts on one name each see the other's count.
 */
export function createSignInThrottleRepository(db: Database) {
  return {
    /**
     * Runs `work` in one transaction. Lock rows in one order everywhere (address before account
     * name), so two transactions never wait for each other in a circle.
     */
    inTransaction<T>(work: (counters: LockedCounters) => Promise<T>): Promise<T> {
      return db.transaction((trx) => work(lockedCounters(trx)));
    },

    /** The counter as stored (tests and diagnostics). */
    async find(scope: ThrottleScope, key: string): Promise<ThrottleState | undefined> {
      const row = await db('sign_in_throttles').where({ scope, key }).first<ThrottleRow | undefined>(COLUMNS);
      return row && toState(row);
    },

    /** Deletes up to a batch of counters forgotten before `now`: names and addresses tried once do not pile up. */
    async pruneForgotten(now: Date): Promise<void> {
      const stale = db('sign_in_throttles').select('scope', 'key').where('forget_at', '<=', now).limit(PRUNE_BATCH);
      await db('sign_in_throttles').whereIn(['scope', 'key'], stale).delete();
    },
  };
}

export type SignInThrottleRepository = ReturnType<typeof createSignInThrottleRepository>;
